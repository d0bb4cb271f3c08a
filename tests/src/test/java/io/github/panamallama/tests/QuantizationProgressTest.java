package io.github.panamallama.tests;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.QuantizationListener;
import io.github.panamallama.QuantizationOptions;
import io.github.panamallama.QuantizationProgress;
import io.github.panamallama.QuantizationResult;
import io.github.panamallama.QuantizationType;
import io.github.panamallama.Quantizer;
import io.github.panamallama.gguf.GgufFile;
import io.github.panamallama.gguf.GgufTensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link QuantizationListener} on the tiny-Mistral F16 model quantized to Q4_0 with the default
 * options: llama.cpp has no progress callback, the reports come from its per-tensor log lines.
 */
class QuantizationProgressTest {
    private static final Path F16 = Path.of(System.getProperty("panamallama.home"), "build", "fixtures", "tiny-mistral",
            "tiny-mistral-f16.gguf");

    @TempDir
    Path directory;

    private static long tensorBytes(Path gguf) throws IOException {
        try (GgufFile file = GgufFile.open(gguf)) {
            return file.tensors().stream().mapToLong(GgufTensorInfo::byteSize).sum();
        }
    }

    private static int tensorCount(Path gguf) throws IOException {
        try (GgufFile file = GgufFile.open(gguf)) {
            return file.tensors().size();
        }
    }

    @Test
    void everyTensorIsReportedOnceInOrderUpToTheTotal() throws IOException {
        List<QuantizationProgress> reports = new ArrayList<>();
        List<QuantizationResult> finished = new ArrayList<>();
        QuantizationListener listener = new QuantizationListener() {
            @Override
            public void progress(QuantizationProgress progress) {
                reports.add(progress);
            }

            @Override
            public void finished(QuantizationResult result) {
                finished.add(result);
            }
        };
        Path out = directory.resolve("q4_0.gguf");
        QuantizationResult result = Quantizer.quantize(F16, out, QuantizationType.Q4_0,
                QuantizationOptions.builder().listener(listener).build());

        int tensors = tensorCount(F16);
        long inputTensorBytes = tensorBytes(F16);
        assertEquals(tensors, reports.size(), "one report per tensor");
        for (int i = 0; i < reports.size(); i++) {
            QuantizationProgress progress = reports.get(i);
            assertEquals(i + 1, progress.tensorsDone(), "counts go up by one: " + progress);
            assertEquals(tensors, progress.tensorCount());
            assertEquals(inputTensorBytes, progress.totalBytes());
            assertTrue(progress.tensorName().endsWith(".weight"), progress.tensorName());
            if (i > 0) {
                QuantizationProgress before = reports.get(i - 1);
                assertTrue(progress.bytesRead() > before.bytesRead(), progress + " after " + before);
                assertTrue(progress.bytesWritten() >= before.bytesWritten(), progress + " after " + before);
                assertTrue(progress.fraction() >= before.fraction(), progress + " after " + before);
                assertTrue(progress.elapsed().compareTo(before.elapsed()) >= 0, progress + " after " + before);
            }
        }
        QuantizationProgress last = reports.getLast();
        assertEquals(inputTensorBytes, last.bytesRead(), "every input tensor byte, exactly");
        assertEquals(1.0, last.fraction());
        // Written sizes are logged to 0.01 MiB: each tensor is off by at most half of that.
        assertEquals(tensorBytes(out), last.bytesWritten(), tensors * 0.005 * 1024 * 1024);
        assertTrue(last.elapsed().compareTo(result.elapsed()) <= 0);
        assertEquals(List.of(result), finished);
        System.out.printf("Q4_0 of %s: %d reports, e.g. %s%n", F16.getFileName(), reports.size(), reports.get(tensors / 2));
    }

    @Test
    void aListenersExceptionIsRethrownOnceLlamaCppHasFinished() throws IOException {
        RuntimeException bug = new IllegalStateException("listener bug");
        int[] calls = {0};
        Path out = directory.resolve("q8_0.gguf");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> Quantizer.quantize(F16, out,
                QuantizationType.Q8_0, QuantizationOptions.builder().threads(1).listener(progress -> {
                    calls[0]++;
                    throw bug;
                }).build()));
        assertSame(bug, thrown);
        assertEquals(1, calls[0], "not called again after it threw");
        assertEquals(tensorCount(F16), tensorCount(out), "llama.cpp finished the file regardless");
    }
}
