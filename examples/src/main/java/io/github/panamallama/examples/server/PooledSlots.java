package io.github.panamallama.examples.server;

import io.github.panamallama.Completion;
import io.github.panamallama.CompletionStream;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.ContextPool;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.StopReason;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A context of its own per slot, from a {@link ContextPool} filled at start: each slot has its
 * own KV cache and decodes on its own. The server's first design, selected with
 * {@code --engine pool}; the load benchmark compares it with {@link BatchedSlots}.
 */
final class PooledSlots implements GenerationSlots {
    private final LlamaModel model;
    private final ContextPool contexts;
    private final int contextLength;

    /** @param contextOptions one slot's context */
    PooledSlots(LlamaModel model, int slots, ContextOptions contextOptions) {
        this.model = model;
        this.contexts = new ContextPool(model, contextOptions, slots, "the server's context pool");
        try {
            contexts.fill(); // a slot that does not fit in memory fails the start, not a request
            this.contextLength = contexts.withContext(LlamaContext::contextLength);
        } catch (RuntimeException e) {
            contexts.close();
            throw e;
        }
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public Engine.Result run(int[] prompt, GenerationOptions options, Cancellation cancellation, Consumer<String> pieces) {
        LlamaContext context = take();
        AtomicBoolean aborted = new AtomicBoolean();
        boolean abortTaken = false;
        try {
            StringBuilder text = new StringBuilder();
            Completion completion;
            try (CompletionStream stream = context.stream(prompt, options);
                 Cancellation.Registration ignored = cancellation.onCancel(() -> {
                     aborted.set(true);
                     context.abort(); // stops a long prompt decode mid-way
                 })) {
                while (!cancellation.isCancelled() && stream.hasNext()) {
                    String piece = stream.next();
                    text.append(piece);
                    pieces.accept(piece);
                }
                // The stream ends CANCELLED itself only by taking the abort request.
                abortTaken = stream.stopReason() == StopReason.CANCELLED;
                stream.close();
                completion = stream.completion();
            }
            return new Engine.Result(text.toString(), prompt.length, 0, completion.tokens().length,
                    completion.stopReason().openAiFinishReason());
        } finally {
            if (aborted.get() && !abortTaken) {
                clearAbort(context);
            }
            contexts.release(context);
        }
    }

    /**
     * An abort the generation did not take (it came after the last step, or the loop above saw
     * the cancellation first) is still pending in the context, and would stop the next
     * request's first decode. A generation from one token takes it before decoding anything.
     */
    private void clearAbort(LlamaContext context) {
        int token = model.vocabulary().bos().orElse(0);
        try (CompletionStream flush = context.stream(new int[] {token}, GenerationOptions.builder().maxTokens(1).build())) {
            flush.hasNext();
        }
    }

    private LlamaContext take() {
        try {
            return contexts.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.shuttingDown();
        }
    }

    @Override
    public void close() {
        contexts.close();
    }
}
