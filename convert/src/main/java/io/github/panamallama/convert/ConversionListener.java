package io.github.panamallama.convert;

/**
 * Follows a conversion. Called on the converting thread, about once per megabyte written:
 * implementations should be quick. Every method does nothing by default.
 */
public interface ConversionListener {
    /** A listener that ignores everything. */
    ConversionListener NONE = new ConversionListener() {
    };

    /** Before the first tensor: how much tensor data will be written. */
    default void started(int tensorCount, long totalBytes) {
    }

    default void progress(ConversionProgress progress) {
    }

    /** After the output file is complete and in place. */
    default void finished(ConversionResult result) {
    }
}
