package io.github.panamallama.examples.server;

import io.github.panamallama.ContextOptions;
import io.github.panamallama.GenerationHandle;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.GenerationResult;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.ParallelGenerator;
import io.github.panamallama.ParallelOptions;
import java.util.function.Consumer;

/**
 * The slots as sequences of one context, run by a {@link ParallelGenerator}: one KV cache
 * shared by all slots (llama.cpp's kv_unified, as its server does), every step decoding the
 * next token of each running request in one batch, new prompts joining in chunks, and a
 * prompt cache that reuses the longest cached prefix of a new prompt.
 *
 * <p>Each request may use one slot's length (prompt and reply). By default the cache holds
 * that length for every slot, so no request is ever cut short by the others. A smaller total
 * lets the slots share less memory (4 slots of 32K in one 32K cache, say): then, when the
 * running requests together fill it, cached prompts of finished requests give way first, and
 * only then does the request holding the most memory end (finish reason {@code length}), as in
 * llama.cpp's server.
 */
final class BatchedSlots implements GenerationSlots {
    private final LlamaContext context;
    private final ParallelGenerator generator;
    private final int perSlot;

    /**
     * @param contextOptions the shared context but for its length, sequences and unified
     *     memory, which are set here
     * @param slotLength the most tokens one request may use
     * @param totalLength the shared cache's length, for all slots
     * @param promptCache whether finished requests' tokens stay for later requests to reuse
     */
    BatchedSlots(LlamaModel model, int slots, ContextOptions.Builder contextOptions, int slotLength, int totalLength,
                 boolean promptCache) {
        this.context = LlamaContext.create(model, contextOptions.contextLength(totalLength).sequences(slots)
                .unifiedMemory(true).build());
        try {
            this.perSlot = Math.min(slotLength, context.sequenceContextLength());
            this.generator = new ParallelGenerator(context, ParallelOptions.builder().sequences(slots)
                    .promptCache(promptCache).build());
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    @Override
    public int contextLength() {
        return perSlot;
    }

    @Override
    public Engine.Result run(int[] prompt, GenerationOptions options, Cancellation cancellation, Consumer<String> pieces) {
        GenerationHandle handle = generator.submit(prompt, options);
        try (Cancellation.Registration ignored = cancellation.onCancel(handle::cancel)) {
            StringBuilder text = new StringBuilder();
            // The generator runs ahead of a slow reader (the handle buffers): once cancelled,
            // the pieces still buffered are for nobody, and sending them would only delay the end.
            while (!cancellation.isCancelled() && handle.hasNext()) {
                String piece = handle.next();
                text.append(piece);
                pieces.accept(piece);
            }
            handle.cancel(); // no-op when it ended by itself
            GenerationResult result = handle.join();
            return new Engine.Result(text.toString(), result.usage().promptTokens(), result.usage().cachedTokens(),
                    result.usage().completionTokens(), result.stopReason().openAiFinishReason());
        } finally {
            // A consumer that failed (its client gone mid-write) leaves the request running:
            // end it, and wait, since the caller closes the request's sampler next.
            if (!handle.isDone()) {
                handle.cancel();
                handle.result().exceptionally(failure -> null).join();
            }
        }
    }

    @Override
    public void close() {
        generator.close();
        context.close();
    }
}
