package io.github.panamallama.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.QuantizationProgress;
import io.github.panamallama.QuantizationResult;
import io.github.panamallama.QuantizationType;
import io.github.panamallama.convert.ConversionProgress;
import io.github.panamallama.convert.ConversionResult;
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

    @Test
    void rendersAQuantizationsInputReadOutputWrittenAndTensor() {
        QuantizationProgress progress = new QuantizationProgress(73, 291, "blk.8.ffn_up.weight", 3_620_000_000L,
                14_480_000_000L, 1_020_000_000L, Duration.ofSeconds(40));
        assertEquals("[########                      ]  25%  3.62/14.48 GB -> 1.02 GB    91 MB/s  73/291 blk.8.ffn_up.weight",
                TerminalProgressBar.render(progress));
    }

    @Test
    void smallJobsCountInMegabytes() {
        assertEquals("2.5/5.1 MB", TerminalProgressBar.part(2_500_000, 5_067_776));
        assertEquals("1.5 MB", TerminalProgressBar.size(1_530_000));
        assertEquals("0.50/2.00 GB", TerminalProgressBar.part(500_000_000L, 2_000_000_000L));
        assertEquals("14.48 GB", TerminalProgressBar.size(14_480_000_000L));
    }

    @Test
    void quantizationEndsWithItsDoneLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalProgressBar bar = new TerminalProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        bar.progress(new QuantizationProgress(1, 2, "a", 5, 10, 2, Duration.ofMillis(1)));
        bar.progress(new QuantizationProgress(2, 2, "b", 10, 10, 4, Duration.ofMillis(2)));
        bar.finished(new QuantizationResult(Path.of("q.gguf"), QuantizationType.Q4_0, 13_490_000_000L, 3_830_000_000L,
                Duration.ofSeconds(182)));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains(" 50%") && out.contains("100%"), out);
        assertEquals("done: Q4_0, 13.49 GB -> 3.83 GB in 182.0 s", out.substring(out.lastIndexOf('\r') + 1).strip());
    }

    @Test
    void aLoadWithinTheQuietPeriodLeavesNoTrace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long[] now = {0};
        TerminalProgressBar bar = new TerminalProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                Duration.ofSeconds(1), () -> now[0]);
        for (float p = 0; p <= 1f; p += 0.25f) {
            assertTrue(bar.onProgress(p), "never cancels");
            now[0] += 100_000_000L;
        }
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aSlowLoadShowsTheBarAfterTheQuietPeriodAndEndsWithALine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long[] now = {0};
        TerminalProgressBar bar = new TerminalProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                Duration.ofSeconds(1), () -> now[0]);
        bar.onProgress(0f);
        now[0] = 500_000_000L;
        bar.onProgress(0.2f);
        assertEquals("", bytes.toString(StandardCharsets.UTF_8), "quiet for the first second");
        now[0] = 1_500_000_000L;
        bar.onProgress(0.6f);
        now[0] = 2_500_000_000L;
        bar.onProgress(1f);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\r[##################            ]  60%  loading model  1.5 s"), out);
        assertTrue(out.contains("100%"), out);
        assertEquals("model loaded in 2.5 s", out.substring(out.lastIndexOf('\r') + 1).strip());
        assertTrue(out.endsWith(System.lineSeparator()), out);
    }

    @Test
    void aBarWithoutATerminalDrawsNothing() {
        TerminalProgressBar bar = new TerminalProgressBar(null, Duration.ZERO, System::nanoTime);
        bar.progress(new QuantizationProgress(1, 1, "a", 1, 1, 1, Duration.ofMillis(1)));
        assertTrue(bar.onProgress(1f));
    }
}
