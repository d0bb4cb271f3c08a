package io.github.panamallama.examples.server;

import io.github.panamallama.GenerationOptions;
import java.util.function.Consumer;

/**
 * Where the server's prepared generations run: {@link BatchedSlots} (sequences of one context,
 * decoded together, the default) or {@link PooledSlots} (a context per slot, the earlier design,
 * kept for the load benchmark's comparison). The HTTP layer's {@link Admission} lets at most
 * as many requests in as there are slots, so a slot is always free when {@link #run} is called.
 */
interface GenerationSlots extends AutoCloseable {
    /** Tokens one request may use, prompt and reply together. */
    int contextLength();

    /**
     * Generates from {@code prompt} (checked to fit {@link #contextLength()}), passing each
     * decoded piece to {@code pieces}. Returns when the generation ends, or within one token of
     * {@code cancellation} firing, with what was generated so far.
     */
    Engine.Result run(int[] prompt, GenerationOptions options, Cancellation cancellation, Consumer<String> pieces);

    @Override
    void close();
}
