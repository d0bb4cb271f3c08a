package io.github.panamallama;

/**
 * llama.cpp's timing counters for a context (llama_perf_context), in milliseconds. Zero when
 * the context was created with {@link ContextOptions#measurePerformance()} off.
 *
 * @param loadMillis time to load the model
 * @param promptMillis time spent on multi-token (prompt) batches
 * @param generationMillis time spent on single-token batches
 * @param promptTokens tokens processed in prompt batches
 * @param generatedTokens tokens processed one at a time
 * @param graphReuses times a compute graph was reused
 */
public record PerformanceStats(
        double loadMillis,
        double promptMillis,
        double generationMillis,
        int promptTokens,
        int generatedTokens,
        int graphReuses) {

    /** Prompt tokens per second, or 0 when none were measured. */
    public double promptTokensPerSecond() {
        return promptMillis > 0 ? promptTokens * 1000.0 / promptMillis : 0;
    }

    /** Generated tokens per second, or 0 when none were measured. */
    public double generationTokensPerSecond() {
        return generationMillis > 0 ? generatedTokens * 1000.0 / generationMillis : 0;
    }
}
