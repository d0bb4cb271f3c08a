package io.github.panamallama.convert;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A finished conversion.
 *
 * @param output the GGUF file written
 * @param tensorCount tensors written
 * @param inputBytes tensor bytes read from the checkpoint
 * @param fileBytes size of the GGUF file
 * @param elapsed wall time of the conversion
 */
public record ConversionResult(Path output, int tensorCount, long inputBytes, long fileBytes, Duration elapsed) {
    /** Checkpoint bytes converted per second, in MB (10^6 bytes). */
    public double inputMegabytesPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds == 0 ? 0 : inputBytes / 1e6 / seconds;
    }
}
