package io.github.panamallama;

/**
 * How a {@link ParallelGenerator} schedules its requests. Immutable; start from
 * {@link #builder()} or {@link #defaults()}.
 *
 * @param sequences how many of the context's sequences run requests at once (each request
 *     has one for its whole length); 0 = all of them ({@link LlamaContext#sequences()})
 * @param promptTokensPerStep most prompt tokens one step decodes, over all newly joined
 *     requests. Every step also decodes the next token of each running request, so a long
 *     prompt joins in chunks of this size and does not stall the others; 0 = the context's
 *     {@link LlamaContext#ubatchSize()} (one physical batch per step)
 * @param maxQueued most submitted requests that may wait for a free sequence; beyond that
 *     {@link ParallelGenerator#submit} refuses with {@link java.util.concurrent.RejectedExecutionException}
 * @param promptCache keep each finished request's tokens in its sequence's memory, so that a
 *     later request whose prompt starts the same way decodes only the rest (bounded by the
 *     number of sequences: one cached prompt each)
 */
public record ParallelOptions(int sequences, int promptTokensPerStep, int maxQueued, boolean promptCache) {
    /** The default {@link #maxQueued()}. */
    public static final int DEFAULT_MAX_QUEUED = 1024;

    /** @throws IllegalArgumentException naming the value out of range */
    public ParallelOptions {
        if (sequences < 0 || sequences > ContextOptions.MAX_SEQUENCES) {
            throw new IllegalArgumentException("sequences must be 0 (all of the context's) or 1.."
                    + ContextOptions.MAX_SEQUENCES + ": " + sequences);
        }
        if (promptTokensPerStep < 0) {
            throw new IllegalArgumentException("promptTokensPerStep must be >= 0 (0 = the context's ubatch size): "
                    + promptTokensPerStep);
        }
        if (maxQueued < 0) {
            throw new IllegalArgumentException("maxQueued must be >= 0: " + maxQueued);
        }
    }

    /** All the context's sequences, one physical batch of prompt per step, the prompt cache on. */
    public static ParallelOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int sequences;
        private int promptTokensPerStep;
        private int maxQueued = DEFAULT_MAX_QUEUED;
        private boolean promptCache = true;

        private Builder() {}

        public Builder sequences(int count) {
            this.sequences = count;
            return this;
        }

        public Builder promptTokensPerStep(int tokens) {
            this.promptTokensPerStep = tokens;
            return this;
        }

        public Builder maxQueued(int requests) {
            this.maxQueued = requests;
            return this;
        }

        public Builder promptCache(boolean enabled) {
            this.promptCache = enabled;
            return this;
        }

        /** @throws IllegalArgumentException naming the value out of range */
        public ParallelOptions build() {
            return new ParallelOptions(sequences, promptTokensPerStep, maxQueued, promptCache);
        }
    }
}
