package io.github.panamallama.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/benchmark.sh --flash-attn} on the tiny model, one short round: both settings'
 * speeds parse and are positive, the one round's ratio is its own spread, and the compute buffers
 * show what flash attention is for: without it, the attention scores of a batch against a 4K
 * context need a larger buffer than with it.
 */
class FlashAttentionScriptTest {
    private static final Pattern SPEED = Pattern.compile(
            "\\| (pp32|tg8), flash attention auto / off\\s+\\| ([0-9.]+) / ([0-9.]+) tok/s, auto/off ([0-9.]+) \\[([0-9.]+) - ([0-9.]+)\\] \\|");
    private static final Pattern BUFFERS = Pattern.compile(
            "\\| compute buffers at ([0-9]+) tokens, auto / off\\s+\\| ([0-9.]+) / ([0-9.]+) MiB \\|");

    @Test
    void oneRoundPrintsBothSettingsAndTheirBuffers() throws Exception {
        String script = BenchmarkModels.home().resolve("scripts/benchmark.sh").toString();
        ChildOutput run = ChildOutput.run(List.of("bash", script, "--flash-attn", BenchmarkModels.tinyMistral().toString(),
                "1", "32", "8", "4096"), Map.of("JAVA_HOME", System.getProperty("java.home"), "JAVA_OPTS", "-Dbench.threads=1"),
                Duration.ofMinutes(5));
        String stdout = String.join("\n", run.stdout());
        String described = stdout + "\n--- stderr:\n" + String.join("\n", run.stderrTail());

        Matcher speeds = SPEED.matcher(stdout);
        int speedRows = 0;
        while (speeds.find()) {
            speedRows++;
            for (int group = 2; group <= 6; group++) {
                assertTrue(Double.parseDouble(speeds.group(group)) > 0, speeds.group() + "\n" + described);
            }
            assertEquals(speeds.group(4), speeds.group(5), speeds.group());
            assertEquals(speeds.group(4), speeds.group(6), speeds.group());
        }
        assertEquals(2, speedRows, "pp and tg rows: " + described);

        Matcher buffers = BUFFERS.matcher(stdout);
        assertTrue(buffers.find(), "the short context's buffers: " + described);
        assertEquals("40", buffers.group(1), "prompt + generated tokens");
        assertTrue(buffers.find(), "the long context's buffers: " + described);
        assertEquals("4096", buffers.group(1));
        double on = Double.parseDouble(buffers.group(2));
        double off = Double.parseDouble(buffers.group(3));
        assertTrue(on > 0 && off > on, "flash attention needs less at 4096 tokens: " + buffers.group());
    }
}
