package io.github.panamallama.examples;

import io.github.panamallama.LlamaModel;
import io.github.panamallama.Sampler;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Sampling flags, with llama.cpp's defaults, turned into a sampler chain in llama.cpp's own
 * order: grammar, penalties, top-k, top-p, min-p, temperature, then a seeded random choice (or
 * the most likely token at temperature 0).
 */
public final class SamplingSettings {
    /** Tokens the repetition penalties look back over (llama.cpp's default). */
    static final int PENALTY_WINDOW = 64;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--temp", paramLabel = "T", defaultValue = "0.8",
            description = "Temperature; 0 = greedy (always the most likely token). Default: ${DEFAULT-VALUE}.")
    float temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "40",
            description = "Keep the K most likely tokens; 0 = off. Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "0.95",
            description = "Keep the most likely tokens up to probability P; 1 = off. Default: ${DEFAULT-VALUE}.")
    float topP;

    @Option(names = "--min-p", paramLabel = "P", defaultValue = "0.05",
            description = "Drop tokens less likely than P times the best; 0 = off. Default: ${DEFAULT-VALUE}.")
    float minP;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "-1",
            description = "Random seed (0..4294967295); -1 = a new one each run (printed). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--repeat-penalty", paramLabel = "X", defaultValue = "1.0",
            description = "Penalise tokens seen in the last " + PENALTY_WINDOW + "; 1 = off. Default: ${DEFAULT-VALUE}.")
    float repeatPenalty;

    @Option(names = "--frequency-penalty", paramLabel = "X", defaultValue = "0.0",
            description = "Subtract X per earlier occurrence; 0 = off. Default: ${DEFAULT-VALUE}.")
    float frequencyPenalty;

    @Option(names = "--presence-penalty", paramLabel = "X", defaultValue = "0.0",
            description = "Subtract X from tokens seen at all; 0 = off. Default: ${DEFAULT-VALUE}.")
    float presencePenalty;

    /** Whether the flags ask for greedy decoding. */
    public boolean greedy() {
        return temperature <= 0;
    }

    /** A sampler for the flags, constrained by a GBNF grammar (root rule {@code root}) if given. */
    public Sampler build(LlamaModel model, Optional<String> grammar) {
        check();
        Sampler.Builder builder = Sampler.builder(model);
        grammar.ifPresent(gbnf -> builder.grammar(gbnf, "root"));
        if (repeatPenalty != 1 || frequencyPenalty != 0 || presencePenalty != 0) {
            builder.penalties(PENALTY_WINDOW, repeatPenalty, frequencyPenalty, presencePenalty);
        }
        if (greedy()) {
            return builder.greedy().build();
        }
        if (topK > 0) {
            builder.topK(topK);
        }
        if (topP < 1) {
            builder.topP(topP, 1);
        }
        if (minP > 0) {
            builder.minP(minP, 1);
        }
        builder.temperature(temperature);
        return (seed >= 0 ? builder.distribution(seed) : builder.distribution()).build();
    }

    /** Validates these settings and the command's own {@code --max-tokens}. */
    public void check(int maxTokens) {
        require(maxTokens >= 1, "--max-tokens must be > 0: " + maxTokens);
        check();
    }

    /** Fails on values out of range, before anything is loaded. */
    public void check() {
        require(Float.isFinite(temperature), "--temp must be a number: " + temperature);
        require(topK >= 0, "--top-k must be >= 0: " + topK);
        require(topP > 0 && topP <= 1, "--top-p must be in (0, 1]: " + topP);
        require(minP >= 0 && minP < 1, "--min-p must be in [0, 1): " + minP);
        require(seed >= -1 && seed <= 0xFFFF_FFFFL, "--seed must be -1 or 0..4294967295: " + seed);
        require(repeatPenalty > 0 && Float.isFinite(repeatPenalty), "--repeat-penalty must be > 0: " + repeatPenalty);
        require(Float.isFinite(frequencyPenalty), "--frequency-penalty must be a number: " + frequencyPenalty);
        require(Float.isFinite(presencePenalty), "--presence-penalty must be a number: " + presencePenalty);
    }

    private void require(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
