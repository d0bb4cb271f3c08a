package io.github.panamallama.examples;

import io.github.panamallama.LlamaModel;
import io.github.panamallama.Sampler;
import io.github.panamallama.SamplingSettings;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Sampling flags, with llama.cpp's defaults, for the core {@link SamplingSettings}: it checks
 * the values and builds the sampler chain; this class only maps flags to it and names the flag
 * in error messages.
 */
public final class SamplingFlags {
    /** Each settings component's flag, to name the flag when the settings refuse a value. */
    private static final Map<String, String> FLAGS = Map.of(
            "temperature", "--temp", "topK", "--top-k", "topP", "--top-p", "minP", "--min-p", "seed", "--seed",
            "repeatPenalty", "--repeat-penalty", "frequencyPenalty", "--frequency-penalty",
            "presencePenalty", "--presence-penalty");

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
            description = "Penalise tokens seen in the last " + SamplingSettings.PENALTY_WINDOW + "; 1 = off. Default: ${DEFAULT-VALUE}.")
    float repeatPenalty;

    @Option(names = "--frequency-penalty", paramLabel = "X", defaultValue = "0.0",
            description = "Subtract X per earlier occurrence; 0 = off. Default: ${DEFAULT-VALUE}.")
    float frequencyPenalty;

    @Option(names = "--presence-penalty", paramLabel = "X", defaultValue = "0.0",
            description = "Subtract X from tokens seen at all; 0 = off. Default: ${DEFAULT-VALUE}.")
    float presencePenalty;

    /** Whether the flags ask for greedy decoding. */
    public boolean greedy() {
        return settings(Optional.empty()).greedy();
    }

    /** A sampler for the flags, constrained by a GBNF grammar (root rule {@code root}) if given. */
    public Sampler build(LlamaModel model, Optional<String> grammar) {
        return settings(grammar).newSampler(model);
    }

    /** Validates these settings and the command's own {@code --max-tokens}. */
    public void check(int maxTokens) {
        if (maxTokens < 1) {
            throw new ParameterException(spec.commandLine(), "--max-tokens must be > 0: " + maxTokens);
        }
        settings(Optional.empty());
    }

    /**
     * The flags as settings; -1 for the seed means a random one.
     *
     * @throws ParameterException naming the flag whose value is out of range
     */
    public SamplingSettings settings(Optional<String> grammar) {
        SamplingSettings.Builder builder = SamplingSettings.builder().temperature(temperature).topK(topK).topP(topP)
                .minP(minP).penalties(repeatPenalty, frequencyPenalty, presencePenalty).grammar(grammar.orElse(null));
        if (seed != -1) {
            builder.seed(seed);
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            String component = message.substring(0, Math.max(0, message.indexOf(' ')));
            throw new ParameterException(spec.commandLine(), FLAGS.containsKey(component)
                    ? FLAGS.get(component) + message.substring(component.length()) : message);
        }
    }
}
