package io.github.panamallama;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The usual sampling knobs as one immutable value, and the one recipe that turns them into a
 * {@link Sampler} chain in llama.cpp's own order: grammar, penalties, top-k, top-p, min-p,
 * temperature, then a seeded random pick; at temperature 0 the most likely token instead
 * (grammar and penalties still apply). The command-line examples, the example server and the
 * LangChain4j chat models all sample through this type. Start from {@link #builder()}, whose
 * defaults are llama.cpp's.
 *
 * @param temperature 0 = greedy (always the most likely token); finite and {@code >= 0}
 * @param topK keep the {@code topK} most likely tokens; 0 = off
 * @param topP keep the most likely tokens up to probability {@code topP}, in (0, 1]; 1 = off
 * @param minP drop tokens less likely than {@code minP} times the best, in [0, 1); 0 = off
 * @param repeatPenalty divide the logits of tokens seen in the last {@link #PENALTY_WINDOW}
 *     tokens by this, {@code > 0}; 1 = off
 * @param frequencyPenalty subtract this per earlier occurrence; 0 = off
 * @param presencePenalty subtract this from tokens seen at all; 0 = off
 * @param seed the random pick's seed, 0..{@link Sampler#RANDOM_SEED} ({@code RANDOM_SEED} itself
 *     asks for a fresh one); empty = a fresh random seed for each sampler
 * @param grammar GBNF text whose rule {@code root} constrains the output; empty = none
 * @param grammarTrigger text that switches the grammar on (a lazy grammar): the output is free
 *     until a token ends it, and from there the grammar applies, the trigger text included (it is
 *     the grammar's first input). Empty = the grammar applies from the first token. A token that
 *     runs past the trigger text does not trigger: the text it adds might not fit the grammar,
 *     which llama.cpp cannot recover from. The grammar must accept the trigger as its start:
 *     {@link #newSampler} checks it.
 */
public record SamplingSettings(
        float temperature,
        int topK,
        float topP,
        float minP,
        float repeatPenalty,
        float frequencyPenalty,
        float presencePenalty,
        OptionalLong seed,
        Optional<String> grammar,
        Optional<String> grammarTrigger) {

    /** How many recent tokens the penalties look back over (llama.cpp's default). */
    public static final int PENALTY_WINDOW = 64;

    /** @throws IllegalArgumentException naming the first value out of range, and the value */
    public SamplingSettings {
        Objects.requireNonNull(seed, "seed");
        Objects.requireNonNull(grammar, "grammar");
        require(Float.isFinite(temperature) && temperature >= 0, "temperature must be finite and >= 0: " + temperature);
        require(topK >= 0, "topK must be >= 0: " + topK);
        require(topP > 0 && topP <= 1, "topP must be in (0, 1]: " + topP);
        require(minP >= 0 && minP < 1, "minP must be in [0, 1): " + minP);
        require(Float.isFinite(repeatPenalty) && repeatPenalty > 0, "repeatPenalty must be finite and > 0: " + repeatPenalty);
        require(Float.isFinite(frequencyPenalty), "frequencyPenalty must be finite: " + frequencyPenalty);
        require(Float.isFinite(presencePenalty), "presencePenalty must be finite: " + presencePenalty);
        seed.ifPresent(s -> require(s >= 0 && s <= Sampler.RANDOM_SEED,
                "seed must be 0.." + Sampler.RANDOM_SEED + ": " + s));
        grammar.ifPresent(g -> require(!g.isBlank(), "grammar is blank"));
        Objects.requireNonNull(grammarTrigger, "grammarTrigger");
        grammarTrigger.ifPresent(t -> require(!t.isEmpty() && grammar.isPresent(),
                "a grammar trigger needs a grammar and must not be empty"));
    }

    /** Settings whose grammar, if any, applies from the first token. */
    public SamplingSettings(float temperature, int topK, float topP, float minP, float repeatPenalty,
            float frequencyPenalty, float presencePenalty, OptionalLong seed, Optional<String> grammar) {
        this(temperature, topK, topP, minP, repeatPenalty, frequencyPenalty, presencePenalty, seed, grammar,
                Optional.empty());
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** llama.cpp's defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, no penalties. */
    public static SamplingSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these values, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder().temperature(temperature).topK(topK).topP(topP).minP(minP)
                .penalties(repeatPenalty, frequencyPenalty, presencePenalty);
        b.seed = seed;
        b.grammar = grammar.orElse(null);
        b.grammarTrigger = grammarTrigger.orElse(null);
        return b;
    }

    /** Whether these settings always pick the most likely token (temperature 0). */
    public boolean greedy() {
        return temperature == 0;
    }

    /** Whether any penalty is switched on. */
    public boolean penalised() {
        return repeatPenalty != 1 || frequencyPenalty != 0 || presencePenalty != 0;
    }

    /**
     * A new sampler chain for {@code model}; the caller closes it. Stages that would change
     * nothing (off values, and top-k/top-p/min-p at temperature 0) are left out.
     *
     * @throws IllegalArgumentException if the grammar does not parse for this model, or does
     *     not accept the {@link #grammarTrigger()} as its start
     */
    public Sampler newSampler(LlamaModel model) {
        return newSampler(model, Map.of());
    }

    /**
     * As {@link #newSampler(LlamaModel)}, with {@code logitBias} added to the logits of its
     * tokens before the penalties (OpenAI's {@code logit_bias}; {@code -Infinity} bans a token).
     *
     * @throws IllegalArgumentException if the grammar does not parse for this model, or a key
     *     is not a token id of its vocabulary, or a bias is NaN
     */
    public Sampler newSampler(LlamaModel model, Map<Integer, Float> logitBias) {
        Objects.requireNonNull(logitBias, "logitBias");
        Sampler.Builder chain = Sampler.builder(model);
        grammar.ifPresent(gbnf -> {
            if (grammarTrigger.isPresent()) {
                // A trigger word fires only on a token that ends exactly on it (see Sampler.Builder.lazyGrammar).
                chain.lazyGrammar(gbnf, "root", List.of(grammarTrigger.get()), new int[0]);
            } else {
                chain.grammar(gbnf, "root");
            }
        });
        if (!logitBias.isEmpty()) {
            chain.logitBias(logitBias);
        }
        if (penalised()) {
            chain.penalties(PENALTY_WINDOW, repeatPenalty, frequencyPenalty, presencePenalty);
        }
        if (greedy()) {
            return chain.greedy().build(); // filters cannot change which token is the most likely
        }
        if (topK > 0) {
            chain.topK(topK);
        }
        if (topP < 1) {
            chain.topP(topP, 1);
        }
        if (minP > 0) {
            chain.minP(minP, 1);
        }
        chain.temperature(temperature);
        return (seed.isPresent() ? chain.distribution(seed.getAsLong()) : chain.distribution()).build();
    }

    /** Collects values; {@link #build()} checks them. Defaults are llama.cpp's. */
    public static final class Builder {
        private float temperature = 0.8f;
        private int topK = 40;
        private float topP = 0.95f;
        private float minP = 0.05f;
        private float repeatPenalty = 1;
        private float frequencyPenalty;
        private float presencePenalty;
        private OptionalLong seed = OptionalLong.empty();
        private String grammar;
        private String grammarTrigger;

        private Builder() {}

        /** 0 = greedy. Default 0.8. */
        public Builder temperature(float temperature) {
            this.temperature = temperature;
            return this;
        }

        /** 0 = off. Default 40. */
        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        /** 1 = off. Default 0.95. */
        public Builder topP(float topP) {
            this.topP = topP;
            return this;
        }

        /** 0 = off. Default 0.05. */
        public Builder minP(float minP) {
            this.minP = minP;
            return this;
        }

        /** Switches off top-k, top-p and min-p: only the temperature shapes the pick. */
        public Builder noFilters() {
            return topK(0).topP(1).minP(0);
        }

        /** Repetition (1 = off), frequency and presence (0 = off) penalties. Default: all off. */
        public Builder penalties(float repeat, float frequency, float presence) {
            this.repeatPenalty = repeat;
            this.frequencyPenalty = frequency;
            this.presencePenalty = presence;
            return this;
        }

        /** A fixed seed for reproducible output. Default: a fresh random seed per sampler. */
        public Builder seed(long seed) {
            this.seed = OptionalLong.of(seed);
            return this;
        }

        /** A fresh random seed per sampler (the default). */
        public Builder randomSeed() {
            this.seed = OptionalLong.empty();
            return this;
        }

        /** Constrains the output to GBNF {@code gbnf} (start rule {@code root}); null = none. */
        public Builder grammar(String gbnf) {
            this.grammar = gbnf;
            return this;
        }

        /**
         * Makes the grammar lazy: it applies from where the output ends with {@code trigger} on
         * (see {@link SamplingSettings#grammarTrigger()}); null = from the first token.
         */
        public Builder grammarTrigger(String trigger) {
            this.grammarTrigger = trigger;
            return this;
        }

        /** @throws IllegalArgumentException naming the first value out of range */
        public SamplingSettings build() {
            return new SamplingSettings(temperature, topK, topP, minP, repeatPenalty, frequencyPenalty,
                    presencePenalty, seed, Optional.ofNullable(grammar), Optional.ofNullable(grammarTrigger));
        }
    }
}
