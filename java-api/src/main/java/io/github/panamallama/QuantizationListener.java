package io.github.panamallama;

/**
 * Follows a {@link Quantizer} run, which otherwise says nothing until it is done (182 s for a
 * 7B model to Q4_0 on 2 cores). Called on the quantizing thread, from inside llama.cpp, once
 * per tensor: keep it quick. It cannot stop llama.cpp; an exception it throws ends the
 * reports, and {@link Quantizer#quantize} rethrows it once llama.cpp has finished.
 */
@FunctionalInterface
public interface QuantizationListener {
    /** A listener that ignores everything. */
    QuantizationListener NONE = progress -> { };

    /** After each tensor is written. */
    void progress(QuantizationProgress progress);

    /** After the output file is complete. Does nothing by default. */
    default void finished(QuantizationResult result) {
    }
}
