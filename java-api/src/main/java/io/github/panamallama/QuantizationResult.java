package io.github.panamallama;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A finished quantization.
 *
 * @param output the file written
 * @param type the type quantized to
 * @param inputBytes size of the input file
 * @param outputBytes size of the output file
 * @param elapsed wall time of llama.cpp's quantization
 */
public record QuantizationResult(Path output, QuantizationType type, long inputBytes, long outputBytes,
        Duration elapsed) {}
