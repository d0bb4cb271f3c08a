package io.github.panamallama.benchmarks;

import io.github.panamallama.Completion;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.Sampler;

/**
 * The Java side of every generation comparison: what an application does for one greedy
 * request on a fresh context, with {@link CGenerationLoop}'s settings.
 */
final class ApiGeneration {
    private ApiGeneration() {}

    /**
     * One run on a new context. Prompt and generation times are the API's own
     * ({@code Completion.timings()}); first and last token are when their pieces were streamed.
     */
    static GenerationTiming generate(LlamaModel model, LoopSettings settings) {
        return generate(model, settings, GenerationSample.PROMPT);
    }

    /** As {@link #generate(LlamaModel, LoopSettings)}, with another prompt. */
    static GenerationTiming generate(LlamaModel model, LoopSettings settings, String prompt) {
        try (LlamaContext context = LlamaContext.create(model, settings.contextOptions());
             Sampler greedy = Sampler.greedy(model)) {
            long[] pieceNanos = new long[2];
            long start = System.nanoTime();
            Completion completion = context.complete(prompt, GenerationOptions.builder()
                    .maxTokens(settings.generate()).sampler(greedy).parseSpecial(true).build(), piece -> {
                        long now = System.nanoTime();
                        if (pieceNanos[0] == 0) {
                            pieceNanos[0] = now;
                        }
                        pieceNanos[1] = now;
                    });
            var timings = completion.timings();
            return new GenerationTiming(timings.promptTokens(), completion.tokens().length, timings.promptMillis(),
                    timings.generationMillis(), (pieceNanos[0] - start) / 1e6, (pieceNanos[1] - pieceNanos[0]) / 1e6,
                    completion.text());
        }
    }
}
