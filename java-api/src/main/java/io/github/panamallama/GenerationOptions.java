package io.github.panamallama;

import java.util.List;
import java.util.Optional;

/**
 * How to generate. Immutable; start from {@link #builder()}.
 *
 * @param maxTokens most tokens to generate (default {@link #DEFAULT_MAX_TOKENS})
 * @param stopStrings generation ends when the text contains one (it is not included)
 * @param sampler how to choose tokens; empty = greedy. A given sampler is not closed by the
 *     generation and keeps its state (call {@link Sampler#reset()} between generations)
 * @param addSpecial let the tokenizer add BOS/EOS to the prompt as the model wants
 * @param parseSpecial recognise special tokens written in the prompt text
 */
public record GenerationOptions(
        int maxTokens,
        List<String> stopStrings,
        Optional<Sampler> sampler,
        boolean addSpecial,
        boolean parseSpecial) {

    /**
     * The reply length limit when none is asked for, here and in the LangChain4j chat models and
     * the example server's chat endpoint. Bounded on purpose: an instruction-tuned model ends
     * its answer well before, but a base model (the flagship Mistral 7B v0.2 is one) rarely
     * emits end-of-text and would otherwise run until the context is full, minutes on a CPU.
     * The generation then stops with {@link StopReason#MAX_TOKENS}, which callers can see.
     */
    public static final int DEFAULT_MAX_TOKENS = 256;

    public GenerationOptions {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be > 0: " + maxTokens);
        }
        stopStrings = List.copyOf(stopStrings);
        for (String stop : stopStrings) {
            if (stop.isEmpty()) {
                throw new IllegalArgumentException("a stop string is empty");
            }
        }
    }

    public static GenerationOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int maxTokens = DEFAULT_MAX_TOKENS;
        private List<String> stopStrings = List.of();
        private Sampler sampler;
        private boolean addSpecial = true;
        private boolean parseSpecial;

        private Builder() {}

        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder stopStrings(String... stops) {
            this.stopStrings = List.of(stops);
            return this;
        }

        public Builder stopStrings(List<String> stops) {
            this.stopStrings = List.copyOf(stops);
            return this;
        }

        public Builder sampler(Sampler sampler) {
            this.sampler = sampler;
            return this;
        }

        public Builder addSpecial(boolean addSpecial) {
            this.addSpecial = addSpecial;
            return this;
        }

        public Builder parseSpecial(boolean parseSpecial) {
            this.parseSpecial = parseSpecial;
            return this;
        }

        public GenerationOptions build() {
            return new GenerationOptions(maxTokens, stopStrings, Optional.ofNullable(sampler), addSpecial, parseSpecial);
        }
    }
}
