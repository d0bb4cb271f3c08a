package io.github.panamallama.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TerminalProgressBarTest {
    @Test
    void rendersFractionBytesSpeedAndTensor() {
        ConversionProgress progress = new ConversionProgress(4, 10, "blk.1.attn_q.weight", 500_000_000L,
                2_000_000_000L, 2_000_000_000L);
        assertEquals("[########                      ]  25%  0.50/2.00 GB   250 MB/s  5/10 blk.1.attn_q.weight",
                TerminalProgressBar.render(progress));
    }

    @Test
    void redrawsInPlaceAndEndsWithALine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalProgressBar bar = new TerminalProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        bar.progress(new ConversionProgress(0, 1, "a-long-tensor-name", 5, 10, 1));
        bar.progress(new ConversionProgress(0, 1, "a", 10, 10, 2)); // the last one is always drawn
        bar.finished(new ConversionResult(Path.of("x.gguf"), 1, 10, 2_000_000_000L, Duration.ofSeconds(2)));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(3, out.chars().filter(c -> c == '\r').count(), out);
        assertTrue(out.contains("100%"), out);
        String last = out.substring(out.lastIndexOf('\r') + 1);
        assertEquals("done: 1 tensors, 2.00 GB in 2.0 s (0 MB/s read)", last.strip(), out);
        assertTrue(out.endsWith(System.lineSeparator()), out);
    }
}
