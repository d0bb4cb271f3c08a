package io.github.panamallama.benchmarks;

import io.github.panamallama.ContextOptions;
import io.github.panamallama.FlashAttention;

/**
 * What one greedy generation of {@link GenerationSample#PROMPT} runs with, the same for the Java
 * API ({@link ApiGeneration}) and the C loop ({@link CGenerationLoop}), so that a comparison
 * changes the binding and nothing else.
 *
 * @param generate tokens to generate
 * @param threads CPU threads for prompt and generation
 * @param polling ggml's polling level of the persistent threadpool, or {@link #NO_THREADPOOL}
 *     (C loop only: the API always attaches a pool)
 * @param contextLength context length in tokens
 * @param batchSize logical batch size
 * @param ubatchSize physical batch size
 * @param flashAttention flash attention mode
 */
record LoopSettings(int generate, int threads, int polling, int contextLength, int batchSize, int ubatchSize,
        FlashAttention flashAttention) {
    /** Pass as {@code polling} for ggml's per-graph worker threads instead of a persistent pool. */
    static final int NO_THREADPOOL = -1;

    /**
     * The settings the benchmarks compare under: a context just long enough for prompt and
     * generation, the prompt in one batch, ubatch and flash attention at the API's defaults.
     */
    static LoopSettings forPrompt(int promptTokens, int generate, int threads, int polling) {
        return new LoopSettings(generate, threads, polling, promptTokens + generate, promptTokens,
                Math.min(512, promptTokens), FlashAttention.AUTO);
    }

    LoopSettings withPolling(int level) {
        return new LoopSettings(generate, threads, level, contextLength, batchSize, ubatchSize, flashAttention);
    }

    LoopSettings withFlashAttention(FlashAttention mode) {
        return new LoopSettings(generate, threads, polling, contextLength, batchSize, ubatchSize, mode);
    }

    /** The API's context options for these settings. */
    ContextOptions contextOptions() {
        if (polling == NO_THREADPOOL) {
            throw new IllegalArgumentException("the Java API always attaches a threadpool: no per-graph threads");
        }
        return ContextOptions.builder().contextLength(contextLength).batchSize(batchSize).ubatchSize(ubatchSize)
                .threads(threads).threadPolling(polling).flashAttention(flashAttention).build();
    }
}
