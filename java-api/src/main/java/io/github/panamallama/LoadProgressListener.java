package io.github.panamallama;

/**
 * Told how far a model load has got. Runs on the loading thread, inside llama.cpp: keep it
 * short. An exception it throws stops the load and is rethrown from
 * {@link LlamaModel#load(java.nio.file.Path, ModelOptions)}.
 */
@FunctionalInterface
public interface LoadProgressListener {
    /**
     * @param progress between 0 and 1
     * @return {@code true} to continue, {@code false} to cancel the load (the load then throws
     *     {@link ModelLoadCancelledException})
     */
    boolean onProgress(float progress);
}
