package io.github.panamallama;

import static io.github.panamallama.internal.llama.llama_h.*;

import io.github.panamallama.internal.lifecycle.Cleaners;
import io.github.panamallama.internal.lifecycle.Lifetime;
import io.github.panamallama.internal.lifecycle.ThreadGuard;
import io.github.panamallama.internal.llama.llama_logit_bias;
import io.github.panamallama.internal.llama.llama_perf_sampler_data;
import io.github.panamallama.internal.llama.llama_sampler_chain_params;
import io.github.panamallama.internal.runtime.NativeLog;
import io.github.panamallama.internal.text.NativeText;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Chooses the next token from a context's logits: a chain of llama.cpp samplers (filters such
 * as top-k, temperature, penalties, a grammar) ending in one that selects a token (greedy,
 * seeded random, mirostat). Built with {@link #builder(LlamaModel)}; stateful (penalties,
 * grammar and mirostat remember accepted tokens; {@link #reset()} forgets); single-threaded.
 * Keeps its model alive until closed.
 */
public final class Sampler implements AutoCloseable {
    private final Lifetime lifetime;
    private final ThreadGuard guard;
    private final MemorySegment chain;
    private final int vocabularySize;
    private final List<String> stageNames;
    /** Positions of grammar stages in the chain: {@link #accept} asks them first. */
    private final int[] grammarStages;
    private final Cleaner.Cleanable cleanable;

    private Sampler(Lifetime lifetime, MemorySegment chain, int vocabularySize, List<String> stageNames,
            int[] grammarStages) {
        this.lifetime = lifetime;
        this.guard = new ThreadGuard("Sampler", lifetime);
        this.chain = chain;
        this.vocabularySize = vocabularySize;
        this.stageNames = List.copyOf(stageNames);
        this.grammarStages = grammarStages;
        this.cleanable = Cleaners.register(this, lifetime);
    }

    /**
     * llama.cpp's {@code LLAMA_DEFAULT_SEED}: given as a seed, it asks llama.cpp for a fresh
     * random one. Seeds are 32-bit, so any other seed is in {@code 0..RANDOM_SEED - 1}.
     */
    public static final long RANDOM_SEED = 0xFFFF_FFFFL;

    /** A builder for a sampler on this model's vocabulary. */
    public static Builder builder(LlamaModel model) {
        return new Builder(model);
    }

    /** Always the most likely token. */
    public static Sampler greedy(LlamaModel model) {
        return builder(model).greedy().build();
    }

    /**
     * A greedy sampler for a context's own use (its default sampler): built on the context's
     * hold of the model, so it works after the model was closed.
     */
    static Sampler greedyFor(LlamaContext context) {
        return new Builder(context.model(), true).greedy().build();
    }

    /**
     * Samples the token for output {@code batchIndex} of the context's last decode and accepts
     * it into this sampler's state.
     */
    public int sample(LlamaContext context, int batchIndex) {
        Objects.requireNonNull(context, "context");
        ContextCore core = context.core();
        return context.guard().callInt(() -> sample(core, batchIndex));
    }

    /** Samples from the last output of the context's last decode. */
    public int sample(LlamaContext context) {
        Objects.requireNonNull(context, "context");
        ContextCore core = context.core();
        return context.guard().callInt(() -> sample(core, core.lastOutputIndex()));
    }

    /**
     * Samples from a context whose guard the caller holds (the public methods, a generation
     * step). Enters this sampler's guard explicitly rather than through a lambda: generation
     * calls it per token and must not allocate.
     */
    int sample(ContextCore context, int batchIndex) {
        guard.enter();
        try {
            // Stages sized for another vocabulary (logit bias, penalties) would index out of bounds.
            if (context.vocabularySize() != vocabularySize) {
                throw new IllegalArgumentException("this Sampler was built for a vocabulary of " + vocabularySize
                        + " tokens; the context's model has " + context.vocabularySize());
            }
            context.checkOutput(batchIndex);
            return llama_sampler_sample(chain, context.handle(), batchIndex);
        } finally {
            guard.exit();
        }
    }

    /**
     * Tells the sampler a token was chosen (for penalties, grammar) without sampling.
     *
     * @throws IllegalArgumentException if the token is out of range, or a grammar stage does not
     *     allow it here (the sampler is left unchanged)
     */
    public void accept(int token) {
        if (token < 0 || token >= vocabularySize) {
            throw new IllegalArgumentException("token " + token + " is not a token id (0.." + (vocabularySize - 1) + ")");
        }
        guard.run(() -> {
            for (int stage : grammarStages) {
                if (!GrammarGate.allows(llama_sampler_chain_get(chain, stage), token)) {
                    throw new IllegalArgumentException("token " + token + " is not allowed by the grammar here");
                }
            }
            llama_sampler_accept(chain, token);
        });
    }

    /** Forgets accepted tokens (penalty history, grammar position, mirostat state). */
    public void reset() {
        guard.run(() -> llama_sampler_reset(chain));
    }

    /**
     * The seed the random selecting stage (distribution, mirostat) is using: the one given, or
     * the one llama.cpp drew for {@link #RANDOM_SEED}. {@link #RANDOM_SEED} when the chain has
     * no random stage (greedy).
     */
    public long seed() {
        return Integer.toUnsignedLong(guard.callInt(() -> llama_sampler_get_seed(chain)));
    }

    /** Time spent sampling and the number of tokens sampled since creation or the last reset. */
    public SamplerPerformance performance() {
        return guard.call(() -> {
            try (Arena call = Arena.ofConfined()) {
                MemorySegment data = llama_perf_sampler(call, chain);
                return new SamplerPerformance(llama_perf_sampler_data.t_sample_ms(data),
                        llama_perf_sampler_data.n_sample(data));
            }
        });
    }

    /** The names llama.cpp gives the chain's stages, in order (e.g. {@code [top-k, temp, dist]}). */
    public List<String> stages() {
        lifetime.checkOpen();
        return stageNames;
    }

    @Override
    public void close() {
        guard.runExclusive(cleanable::clean);
    }

    /** Builds a sampler chain; stages run in the order added; the last must select a token. */
    public static final class Builder {
        private final LlamaModel model;
        private final List<Stage> stages = new ArrayList<>();
        private final int vocabularySize;
        /** Built for a context that holds the model: the model may be closed. */
        private final boolean held;

        private Builder(LlamaModel model) {
            this(Objects.requireNonNull(model, "model"), false);
        }

        private Builder(LlamaModel model, boolean held) {
            this.model = model;
            this.held = held;
            this.vocabularySize = held ? model.heldVocabulary().heldSize() : model.vocabulary().size();
        }

        private Vocabulary vocabulary() {
            return held ? model.heldVocabulary() : model.vocabulary();
        }

        /** A stage: creates its native sampler in the call arena; selects if it picks the token. */
        private record Stage(String name, boolean selects, StageFactory factory) {}

        @FunctionalInterface
        private interface StageFactory {
            MemorySegment create(MemorySegment vocab, Arena call);
        }

        private Builder add(String name, boolean selects, StageFactory factory) {
            stages.add(new Stage(name, selects, factory));
            return this;
        }

        /** Picks the most likely token. */
        public Builder greedy() {
            return add("greedy", true, (v, a) -> llama_sampler_init_greedy());
        }

        /**
         * Picks randomly by probability, with a fresh random seed: what to use when no seed was
         * asked for. llama.cpp draws the seed ({@link #seed()} tells it afterwards, so a run can
         * be repeated with {@link #distribution(long)}); {@link #reset()} draws a new one.
         */
        public Builder distribution() {
            return distribution(RANDOM_SEED);
        }

        /**
         * Picks randomly by probability, reproducibly for a given seed.
         *
         * @param seed 0..4294967295 (llama.cpp's seeds are 32-bit); {@link #RANDOM_SEED}, the
         *     largest, asks for a fresh random seed as {@link #distribution()} does
         */
        public Builder distribution(long seed) {
            int s = seed32(seed);
            return add("dist", true, (v, a) -> llama_sampler_init_dist(s));
        }

        /** Divides logits by {@code t}; {@code t <= 0} keeps only the most likely token. */
        public Builder temperature(float t) {
            finite("temperature", t);
            return add("temp", false, (v, a) -> llama_sampler_init_temp(t));
        }

        /** Dynamic temperature: {@code t ± delta}, by entropy raised to {@code exponent}. */
        public Builder temperature(float t, float delta, float exponent) {
            finite("temperature", t);
            finite("delta", delta);
            finite("exponent", exponent);
            return add("temp-ext", false, (v, a) -> llama_sampler_init_temp_ext(t, delta, exponent));
        }

        /** Keeps the {@code k} most likely tokens. */
        public Builder topK(int k) {
            if (k <= 0) {
                throw new IllegalArgumentException("topK must be > 0: " + k);
            }
            return add("top-k", false, (v, a) -> llama_sampler_init_top_k(k));
        }

        /** Keeps the most likely tokens whose probabilities add up to {@code p}. */
        public Builder topP(float p, int minKeep) {
            probability("topP", p);
            minKeep(minKeep);
            return add("top-p", false, (v, a) -> llama_sampler_init_top_p(p, minKeep));
        }

        /** Drops tokens less likely than {@code p} times the most likely one. */
        public Builder minP(float p, int minKeep) {
            probability("minP", p);
            minKeep(minKeep);
            return add("min-p", false, (v, a) -> llama_sampler_init_min_p(p, minKeep));
        }

        /** Locally typical sampling with mass {@code p}. */
        public Builder typical(float p, int minKeep) {
            probability("typical", p);
            minKeep(minKeep);
            return add("typical", false, (v, a) -> llama_sampler_init_typical(p, minKeep));
        }

        /**
         * Exclude Top Choices: with {@code probability}, drops the top tokens above
         * {@code threshold}; {@code seed} as in {@link #distribution(long)}.
         */
        public Builder xtc(float probability, float threshold, int minKeep, long seed) {
            probability("xtc probability", probability);
            probability("xtc threshold", threshold);
            minKeep(minKeep);
            int s = seed32(seed);
            return add("xtc", false, (v, a) -> llama_sampler_init_xtc(probability, threshold, minKeep, s));
        }

        /** Keeps tokens within {@code n} standard deviations of the top logit. */
        public Builder topNSigma(float n) {
            if (!(n > 0) || Float.isInfinite(n)) {
                throw new IllegalArgumentException("topNSigma must be finite and > 0: " + n);
            }
            return add("top-n-sigma", false, (v, a) -> llama_sampler_init_top_n_sigma(n));
        }

        /**
         * Mirostat 1.0 (selects): target surprise {@code tau}, learning rate {@code eta};
         * {@code seed} as in {@link #distribution(long)}.
         */
        public Builder mirostat(float tau, float eta, int m, long seed) {
            finite("tau", tau);
            finite("eta", eta);
            if (m <= 0) {
                throw new IllegalArgumentException("mirostat m must be > 0: " + m);
            }
            int s = seed32(seed);
            return add("mirostat", true, (v, a) -> llama_sampler_init_mirostat(vocabularySize, s, tau, eta, m));
        }

        /** Mirostat 2.0 (selects); {@code seed} as in {@link #distribution(long)}. */
        public Builder mirostatV2(float tau, float eta, long seed) {
            finite("tau", tau);
            finite("eta", eta);
            int s = seed32(seed);
            return add("mirostat-v2", true, (v, a) -> llama_sampler_init_mirostat_v2(s, tau, eta));
        }

        /**
         * Penalises tokens seen in the last {@code lastN} accepted tokens.
         *
         * @param repeat divides the logit of repeated tokens (1 = off, must be > 0)
         * @param frequency subtracted per occurrence (0 = off)
         * @param presence subtracted once if present (0 = off)
         */
        public Builder penalties(int lastN, float repeat, float frequency, float presence) {
            if (lastN < 0) {
                throw new IllegalArgumentException("penalty lastN must be >= 0: " + lastN);
            }
            if (!(repeat > 0) || Float.isInfinite(repeat)) {
                throw new IllegalArgumentException("repeat penalty must be finite and > 0: " + repeat);
            }
            finite("frequency penalty", frequency);
            finite("presence penalty", presence);
            return add("penalties", false, (v, a) -> llama_sampler_init_penalties(vocabularySize, lastN, repeat, frequency, presence));
        }

        /** DRY ("don't repeat yourself") repetition penalty. */
        public Builder dry(float multiplier, float base, int allowedLength, int penaltyLastN, List<String> sequenceBreakers) {
            finite("dry multiplier", multiplier);
            finite("dry base", base);
            if (allowedLength < 0) {
                throw new IllegalArgumentException("dry allowedLength must be >= 0: " + allowedLength);
            }
            if (penaltyLastN < -1) {
                throw new IllegalArgumentException("dry penaltyLastN must be >= -1: " + penaltyLastN);
            }
            List<String> breakers = List.copyOf(sequenceBreakers);
            return add("dry", false, (v, a) -> llama_sampler_init_dry(v, multiplier, base, allowedLength, penaltyLastN,
                    cStrings(breakers, a), breakers.size()));
        }

        /** Adds a bias to the logits of given tokens ({@code -Infinity} bans a token). */
        public Builder logitBias(Map<Integer, Float> biases) {
            Map<Integer, Float> copy = new LinkedHashMap<>(biases);
            for (Map.Entry<Integer, Float> e : copy.entrySet()) {
                int token = e.getKey();
                if (token < 0 || token >= vocabularySize) {
                    throw new IllegalArgumentException("logit bias for token " + token + ", not a token id (0.."
                            + (vocabularySize - 1) + ")");
                }
                if (e.getValue() == null || Float.isNaN(e.getValue())) {
                    throw new IllegalArgumentException("logit bias for token " + token + " is " + e.getValue());
                }
            }
            return add("logit-bias", false, (v, a) -> {
                MemorySegment array = llama_logit_bias.allocateArray(Math.max(1, copy.size()), a);
                int i = 0;
                for (Map.Entry<Integer, Float> e : copy.entrySet()) {
                    MemorySegment item = llama_logit_bias.asSlice(array, i++);
                    llama_logit_bias.token(item, e.getKey());
                    llama_logit_bias.bias(item, e.getValue());
                }
                return llama_sampler_init_logit_bias(vocabularySize, copy.size(), array);
            });
        }

        /**
         * Constrains output to a GBNF grammar.
         *
         * @throws IllegalArgumentException from {@link #build()} if the grammar does not parse
         */
        public Builder grammar(String gbnf, String root) {
            Objects.requireNonNull(gbnf, "gbnf");
            Objects.requireNonNull(root, "root");
            return add("grammar", false, (v, a) -> llama_sampler_init_grammar(v, a.allocateFrom(gbnf), a.allocateFrom(root)));
        }

        /**
         * A grammar that applies only once the output reaches a trigger: a word (literal text)
         * or a token id. A word triggers on the token that ends exactly on it, and the grammar
         * is fed the word first; a trigger token is fed to the grammar whole. So the grammar
         * must accept each trigger as its start (e.g. {@code root ::= "<call>" ...} for the word
         * {@code <call>}). llama.cpp cannot recover from a trigger its grammar rejects, so
         * {@link #build()} checks every trigger first. Raw regular expressions, which llama.cpp
         * also takes, are not offered: what they feed the grammar cannot be checked in advance.
         *
         * @throws IllegalArgumentException here for no trigger, an empty word, a word with NUL,
         *     a token id out of range or one that ends generation; from {@link #build()} if the
         *     grammar does not parse or does not accept a trigger (the message names it)
         */
        public Builder lazyGrammar(String gbnf, String root, List<String> triggerWords, int[] triggerTokens) {
            Objects.requireNonNull(gbnf, "gbnf");
            Objects.requireNonNull(root, "root");
            List<String> words = List.copyOf(Objects.requireNonNull(triggerWords, "triggerWords"));
            List<String> patterns = LazyGrammarTriggers.patterns(words);
            Vocabulary vocabulary = vocabulary();
            int[] tokens = LazyGrammarTriggers.tokens(Objects.requireNonNull(triggerTokens, "triggerTokens"), vocabulary);
            if (patterns.isEmpty() && tokens.length == 0) {
                throw new IllegalArgumentException("a lazy grammar needs at least one trigger");
            }
            return add("lazy-grammar", false, (v, a) -> {
                MemorySegment plain = llama_sampler_init_grammar(v, a.allocateFrom(gbnf), a.allocateFrom(root));
                if (plain.equals(MemorySegment.NULL)) {
                    return plain; // does not parse: build() reports llama.cpp's reason
                }
                try {
                    LazyGrammarTriggers.requireAccepted(plain, vocabulary, words, tokens);
                } finally {
                    llama_sampler_free(plain);
                }
                MemorySegment tokenArray = a.allocate(ValueLayout.JAVA_INT, Math.max(1, tokens.length));
                MemorySegment.copy(tokens, 0, tokenArray, ValueLayout.JAVA_INT, 0, tokens.length);
                return llama_sampler_init_grammar_lazy_patterns(v, a.allocateFrom(gbnf), a.allocateFrom(root),
                        cStrings(patterns, a), patterns.size(), tokenArray, tokens.length);
            });
        }

        /**
         * Creates the sampler.
         *
         * @throws IllegalArgumentException if the chain does not end with exactly one selecting
         *     stage, or llama.cpp rejects a stage (e.g. a grammar that does not parse)
         */
        public Sampler build() {
            if (stages.isEmpty() || !stages.getLast().selects()) {
                throw new IllegalArgumentException("a sampler chain must end with greedy, distribution or mirostat; stages: "
                        + names());
            }
            for (int i = 0; i < stages.size() - 1; i++) {
                if (stages.get(i).selects()) {
                    throw new IllegalArgumentException("only the last stage may select a token, but stage " + i + " ("
                            + stages.get(i).name() + ") does; stages: " + names());
                }
            }
            if (held) {
                model.lifetime().retain();
            } else {
                model.lifetime().acquire();
            }
            Lifetime lifetime = new Lifetime("Sampler", List.of(model.lifetime()));
            try (Arena call = Arena.ofConfined(); NativeLog.ErrorCapture errors = NativeLog.captureErrors()) {
                MemorySegment params = llama_sampler_chain_default_params(call);
                llama_sampler_chain_params.no_perf(params, false);
                MemorySegment raw = llama_sampler_chain_init(params);
                if (raw.equals(MemorySegment.NULL)) {
                    throw new LlamaException("llama_sampler_chain_init failed");
                }
                MemorySegment chain = raw.reinterpret(lifetime.arena(), c -> llama_sampler_free(c));
                MemorySegment vocab = vocabulary().handle();
                List<String> names = new ArrayList<>();
                int[] grammarStages = java.util.stream.IntStream.range(0, stages.size())
                        .filter(i -> stages.get(i).name().endsWith("grammar")).toArray();
                for (Stage stage : stages) {
                    MemorySegment sampler = stage.factory().create(vocab, call);
                    if (sampler.equals(MemorySegment.NULL)) {
                        String reason = errors.text();
                        throw new IllegalArgumentException("llama.cpp rejected the " + stage.name() + " stage"
                                + (reason.isEmpty() ? "" : ": " + reason));
                    }
                    llama_sampler_chain_add(chain, sampler); // the chain now owns it
                    String name = NativeText.cString(llama_sampler_name(sampler));
                    names.add(name == null ? stage.name() : name);
                }
                return new Sampler(lifetime, chain, vocabularySize, names, grammarStages);
            } catch (RuntimeException | Error e) {
                lifetime.close();
                throw e;
            }
        }

        private List<String> names() {
            return stages.stream().map(Stage::name).toList();
        }

        private static MemorySegment cStrings(List<String> strings, Arena arena) {
            MemorySegment array = arena.allocate(ValueLayout.ADDRESS, Math.max(1, strings.size()));
            for (int i = 0; i < strings.size(); i++) {
                array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(strings.get(i)));
            }
            return array;
        }

        private static int seed32(long seed) {
            if (seed < 0 || seed > RANDOM_SEED) {
                throw new IllegalArgumentException("seed must be 0.." + RANDOM_SEED + " (" + RANDOM_SEED
                        + " = random; or use distribution() without a seed): " + seed);
            }
            return (int) seed;
        }

        private static void finite(String name, float value) {
            if (!Float.isFinite(value)) {
                throw new IllegalArgumentException(name + " must be finite: " + value);
            }
        }

        private static void probability(String name, float p) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException(name + " must be 0..1: " + p);
            }
        }

        private static void minKeep(int minKeep) {
            if (minKeep < 1) {
                throw new IllegalArgumentException("minKeep must be >= 1: " + minKeep);
            }
        }
    }
}
