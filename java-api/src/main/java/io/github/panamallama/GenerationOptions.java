package io.github.panamallama;

import java.util.List;
import java.util.Optional;

/**
 * How to generate. Immutable; start from {@link #builder()}.
 *
 * @param maxTokens most tokens to generate
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
        private int maxTokens = 256;
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
