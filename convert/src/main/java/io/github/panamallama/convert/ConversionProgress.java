package io.github.panamallama.convert;

/**
 * How far a conversion is.
 *
 * @param tensorIndex index of the tensor being written, from 0
 * @param tensorCount tensors in the output
 * @param tensorName GGUF name of the tensor being written
 * @param bytesWritten tensor bytes written so far, all tensors
 * @param totalBytes tensor bytes the output will hold
 * @param elapsedNanos time since the conversion started
 */
public record ConversionProgress(int tensorIndex, int tensorCount, String tensorName, long bytesWritten,
        long totalBytes, long elapsedNanos) {
    /** Fraction done, 0 to 1. */
    public double fraction() {
        return totalBytes == 0 ? 1.0 : (double) bytesWritten / totalBytes;
    }

    /** Output throughput so far in MB (10^6 bytes) per second. */
    public double megabytesPerSecond() {
        return elapsedNanos == 0 ? 0 : bytesWritten / 1e6 / (elapsedNanos / 1e9);
    }
}
