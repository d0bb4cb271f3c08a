package io.github.panamallama;

import java.time.Duration;

/**
 * How far a quantization is, after a tensor has been written. llama.cpp has no progress
 * callback for this; the figures come from the line it logs for each tensor.
 *
 * @param tensorsDone tensors written so far, from 1 to {@code tensorCount}
 * @param tensorCount tensors in the model
 * @param tensorName GGUF name of the tensor just written
 * @param bytesRead input tensor bytes quantized so far (exact sizes from the input's header)
 * @param totalBytes input tensor bytes in all; 0 if the input's header could not be read
 * @param bytesWritten output tensor bytes written so far (as llama.cpp logs them, to 0.01 MiB)
 * @param elapsed time since llama.cpp started
 */
public record QuantizationProgress(int tensorsDone, int tensorCount, String tensorName, long bytesRead,
        long totalBytes, long bytesWritten, Duration elapsed) {

    /** Fraction done, 0 to 1, by input bytes; 1 once the last tensor is written. */
    public double fraction() {
        if (tensorsDone >= tensorCount) {
            return 1.0;
        }
        return totalBytes <= 0 ? (double) tensorsDone / tensorCount : Math.min(1.0, (double) bytesRead / totalBytes);
    }

    /** Input read so far in MB (10^6 bytes) per second. */
    public double megabytesPerSecond() {
        long nanos = elapsed.toNanos();
        return nanos == 0 ? 0 : bytesRead / 1e6 / (nanos / 1e9);
    }
}
