package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** llama.cpp's per-tensor quantization log lines, as the log callback delivers them (stripped). */
class QuantizationProgressTrackerTest {
    private final List<QuantizationProgress> reports = new ArrayList<>();

    private QuantizationProgressTracker tracker(Map<String, Long> sizes) {
        return new QuantizationProgressTracker(reports::add, sizes, System.nanoTime());
    }

    @Test
    void eachWrittenTensorIsOneReportWithExactInputBytes() {
        QuantizationProgressTracker tracker = tracker(Map.of("token_embd.weight", 1_024_000L, "blk.0.attn_norm.weight", 1_024L,
                "output.weight", 2_048_000L));
        tracker.accept("llama_model_quantize_impl: model size = 5.86 MiB");
        tracker.accept("[   1/   3]                    token_embd.weight - [  256,  2000,     1,     1], type =    f16,");
        tracker.accept("converting to q4_0 ..");
        tracker.accept("size =     0.98 MiB ->     0.27 MiB");
        tracker.accept("[   2/   3]               blk.0.attn_norm.weight - [  256,     1,     1,     1], type =    f32,");
        tracker.accept("size =    0.001 MiB");
        tracker.accept("[   3/   3]                        output.weight - [  256,  2000,     1,     1], type =    f16,");
        tracker.accept("converting to q6_K ..");
        tracker.accept("size =     1.95 MiB ->     0.40 MiB");

        assertEquals(3, reports.size());
        QuantizationProgress first = reports.getFirst();
        assertEquals(1, first.tensorsDone());
        assertEquals(3, first.tensorCount());
        assertEquals("token_embd.weight", first.tensorName());
        assertEquals(1_024_000L, first.bytesRead());
        assertEquals(3_073_024L, first.totalBytes());
        assertEquals(Math.round(0.27 * 1024 * 1024), first.bytesWritten());
        assertEquals(1_025_024L, reports.get(1).bytesRead());
        assertEquals(Math.round(0.27 * 1024 * 1024) + Math.round(0.001 * 1024 * 1024), reports.get(1).bytesWritten());
        QuantizationProgress last = reports.getLast();
        assertEquals(3_073_024L, last.bytesRead());
        assertEquals(1.0, last.fraction());
        assertTrue(last.elapsed().toNanos() >= first.elapsed().toNanos());
    }

    @Test
    void withoutTheHeaderSizesTheLoggedOnesCountAndTheFractionGoesByTensors() {
        QuantizationProgressTracker tracker = tracker(Map.of());
        tracker.accept("[  1/  4] a.weight - [ 256, 256, 1, 1], type = f16,");
        tracker.accept("size =     0.12 MiB ->     0.03 MiB");
        QuantizationProgress only = reports.getFirst();
        assertEquals(Math.round(0.12 * 1024 * 1024), only.bytesRead());
        assertEquals(0, only.totalBytes());
        assertEquals(0.25, only.fraction());
    }

    @Test
    void linesThatDoNotParseGiveNoReportAndNoException() {
        QuantizationProgressTracker tracker = tracker(Map.of());
        for (String line : List.of("", "size = lots MiB", "[x/y] what", "[ 99999999999/ 1] too.big - [1], type = f16,",
                "size =     1.00 MiB", "[  2/  1] beyond.count - [1]", "size = 1.00 MiB -> 0.5 MiB")) {
            tracker.accept(line);
        }
        assertEquals(List.of(), reports, "no tensor was started and finished in a form that parses");
        assertNull(tracker.failure());
    }

    @Test
    void aSizeLineWithoutATensorStartOrTwiceForOneTensorCountsOnce() {
        QuantizationProgressTracker tracker = tracker(Map.of());
        tracker.accept("size =     1.00 MiB");
        tracker.accept("[  1/  2] a.weight - [ 256, 256, 1, 1], type = f16,");
        tracker.accept("size =     1.00 MiB ->     0.25 MiB");
        tracker.accept("size =     1.00 MiB ->     0.25 MiB");
        assertEquals(1, reports.size());
    }

    @Test
    void theListenersExceptionIsKeptAndEndsTheReports() {
        RuntimeException boom = new IllegalStateException("listener bug");
        int[] calls = {0};
        QuantizationProgressTracker tracker = new QuantizationProgressTracker(progress -> {
            calls[0]++;
            throw boom;
        }, Map.of(), System.nanoTime());
        for (int i = 1; i <= 2; i++) {
            tracker.accept("[  " + i + "/  2] t" + i + " - [ 256, 1, 1, 1], type = f32,");
            tracker.accept("size =    0.001 MiB");
        }
        assertSame(boom, tracker.failure());
        assertEquals(1, calls[0]);
    }
}
