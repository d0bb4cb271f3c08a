package io.github.panamallama.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GenerationSampleTest {
    @Test
    void lineRoundTrips() {
        GenerationSample sample = GenerationSample.timed("api-fa-off", 841, 256, 1_000_000L, 51_000_000L, 306_000_000L, "text");
        assertEquals(50.0, sample.firstTokenMillis(), 1e-9);
        assertEquals(1000.0, sample.tokensPerSecond(), 1e-9, "255 tokens after the first in 255 ms");
        assertTrue(GenerationSample.isLine(sample.line()));
        assertEquals(sample, GenerationSample.parse(sample.line()));
        assertFalse(GenerationSample.isLine("llama_context: n_ctx = 1097"));
        assertThrows(IllegalArgumentException.class, () -> GenerationSample.parse("SAMPLE|api|1"));
    }

    @Test
    void benchmarkTextHasTheSizeAsked() {
        for (int bytes : new int[] {1024, 65536, 1 << 20}) {
            int length = BenchmarkText.ofUtf8Bytes(bytes).getBytes(StandardCharsets.UTF_8).length;
            assertTrue(length <= bytes && length > bytes - 200, bytes + " asked, " + length + " made");
        }
    }
}
