package io.github.panamallama.springai;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;

/**
 * The chat options of {@link PanamaLlamaChatModel}: Spring AI's portable ones (temperature,
 * top-p, top-k, max tokens, stop sequences, frequency and presence penalties), plus a seed,
 * min-p, a repetition penalty, the {@link ToolChoice}, tool callbacks and an output JSON schema.
 * Unset values ({@code null}) fall back to the model's defaults, then to panama-llama's
 * ({@link io.github.panamallama.SamplingSettings#defaults()}); immutable.
 *
 * <p>The output schema ({@link StructuredOutputChatOptions}) is enforced by a grammar: the
 * reply is JSON that the schema accepts. {@code ChatClient}'s {@code entity(...)} sets it when
 * native structured output is on, which the Boot auto-configuration does by default.
 */
public final class PanamaLlamaChatOptions implements ToolCallingChatOptions, StructuredOutputChatOptions {
    private final @Nullable String model;
    private final @Nullable Double temperature;
    private final @Nullable Double topP;
    private final @Nullable Integer topK;
    private final @Nullable Double minP;
    private final @Nullable Integer maxTokens;
    private final @Nullable List<String> stopSequences;
    private final @Nullable Double frequencyPenalty;
    private final @Nullable Double presencePenalty;
    private final @Nullable Double repeatPenalty;
    private final @Nullable Long seed;
    private final @Nullable ToolChoice toolChoice;
    private final List<ToolCallback> toolCallbacks;
    private final Map<String, Object> toolContext;
    private final @Nullable String outputSchema;

    private PanamaLlamaChatOptions(Builder b) {
        this.model = b.model;
        this.temperature = b.temperature;
        this.topP = b.topP;
        this.topK = b.topK;
        this.minP = b.minP;
        this.maxTokens = b.maxTokens;
        this.stopSequences = b.stopSequences == null ? null : List.copyOf(new LinkedHashSet<>(b.stopSequences));
        this.frequencyPenalty = b.frequencyPenalty;
        this.presencePenalty = b.presencePenalty;
        this.repeatPenalty = b.repeatPenalty;
        this.seed = b.seed;
        this.toolChoice = b.toolChoice;
        this.toolCallbacks = List.copyOf(b.toolCallbacks);
        this.toolContext = Map.copyOf(b.toolContext);
        this.outputSchema = b.outputSchema;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This options' values over {@code defaults}' (each unset value taken from {@code defaults}). */
    PanamaLlamaChatOptions over(PanamaLlamaChatOptions defaults) {
        return defaults.mutate().combineWith(mutate()).build();
    }

    /** Any {@link ChatOptions} as these options: its values, and ours where it is one of ours. */
    static PanamaLlamaChatOptions from(ChatOptions options) {
        if (options instanceof PanamaLlamaChatOptions own) {
            return own;
        }
        return builder().combineFrom(options).build();
    }

    @Override
    public @Nullable String getModel() {
        return model;
    }

    @Override
    public @Nullable Double getTemperature() {
        return temperature;
    }

    @Override
    public @Nullable Double getTopP() {
        return topP;
    }

    @Override
    public @Nullable Integer getTopK() {
        return topK;
    }

    /** Min-p filtering: tokens below this share of the likeliest token's probability are dropped. */
    public @Nullable Double getMinP() {
        return minP;
    }

    @Override
    public @Nullable Integer getMaxTokens() {
        return maxTokens;
    }

    @Override
    public @Nullable List<String> getStopSequences() {
        return stopSequences;
    }

    @Override
    public @Nullable Double getFrequencyPenalty() {
        return frequencyPenalty;
    }

    @Override
    public @Nullable Double getPresencePenalty() {
        return presencePenalty;
    }

    /** llama.cpp's repetition penalty (1 = off). */
    public @Nullable Double getRepeatPenalty() {
        return repeatPenalty;
    }

    /** The sampler's seed; unset = a fresh random seed per request. */
    public @Nullable Long getSeed() {
        return seed;
    }

    public @Nullable ToolChoice getToolChoice() {
        return toolChoice;
    }

    @Override
    public List<ToolCallback> getToolCallbacks() {
        return toolCallbacks;
    }

    @Override
    public Map<String, Object> getToolContext() {
        return toolContext;
    }

    @Override
    public @Nullable String getOutputSchema() {
        return outputSchema;
    }

    @Override
    public Builder mutate() {
        return builder().combineFrom(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PanamaLlamaChatOptions that
                && Objects.equals(model, that.model) && Objects.equals(temperature, that.temperature)
                && Objects.equals(topP, that.topP) && Objects.equals(topK, that.topK) && Objects.equals(minP, that.minP)
                && Objects.equals(maxTokens, that.maxTokens) && Objects.equals(stopSequences, that.stopSequences)
                && Objects.equals(frequencyPenalty, that.frequencyPenalty)
                && Objects.equals(presencePenalty, that.presencePenalty)
                && Objects.equals(repeatPenalty, that.repeatPenalty) && Objects.equals(seed, that.seed)
                && toolChoice == that.toolChoice && toolCallbacks.equals(that.toolCallbacks)
                && toolContext.equals(that.toolContext) && Objects.equals(outputSchema, that.outputSchema);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, temperature, topP, topK, minP, maxTokens, stopSequences, frequencyPenalty,
                presencePenalty, repeatPenalty, seed, toolChoice, toolCallbacks, toolContext, outputSchema);
    }

    @Override
    public String toString() {
        return "PanamaLlamaChatOptions[model=" + model + ", temperature=" + temperature + ", topP=" + topP
                + ", topK=" + topK + ", minP=" + minP + ", maxTokens=" + maxTokens + ", stopSequences="
                + stopSequences + ", frequencyPenalty=" + frequencyPenalty + ", presencePenalty="
                + presencePenalty + ", repeatPenalty=" + repeatPenalty + ", seed=" + seed + ", toolChoice="
                + toolChoice + ", tools=" + toolCallbacks.size() + ", outputSchema="
                + (outputSchema == null ? "none" : "set") + "]";
    }

    /**
     * Builds {@link PanamaLlamaChatOptions}. It is both a tool-calling and a structured-output
     * builder, so {@code ChatClient} can add tools and the output schema to it.
     */
    public static final class Builder implements ToolCallingChatOptions.Builder<Builder>,
            StructuredOutputChatOptions.Builder<Builder> {
        private @Nullable String model;
        private @Nullable Double temperature;
        private @Nullable Double topP;
        private @Nullable Integer topK;
        private @Nullable Double minP;
        private @Nullable Integer maxTokens;
        private @Nullable List<String> stopSequences;
        private @Nullable Double frequencyPenalty;
        private @Nullable Double presencePenalty;
        private @Nullable Double repeatPenalty;
        private @Nullable Long seed;
        private @Nullable ToolChoice toolChoice;
        private List<ToolCallback> toolCallbacks = new ArrayList<>();
        private Map<String, Object> toolContext = new HashMap<>();
        private @Nullable String outputSchema;

        private Builder() {}

        @Override
        public Builder model(@Nullable String model) {
            this.model = model;
            return this;
        }

        @Override
        public Builder temperature(@Nullable Double temperature) {
            this.temperature = temperature;
            return this;
        }

        @Override
        public Builder topP(@Nullable Double topP) {
            this.topP = topP;
            return this;
        }

        @Override
        public Builder topK(@Nullable Integer topK) {
            this.topK = topK;
            return this;
        }

        public Builder minP(@Nullable Double minP) {
            this.minP = minP;
            return this;
        }

        @Override
        public Builder maxTokens(@Nullable Integer maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        @Override
        public Builder stopSequences(@Nullable List<String> stopSequences) {
            this.stopSequences = stopSequences == null ? null : new ArrayList<>(stopSequences);
            return this;
        }

        @Override
        public Builder frequencyPenalty(@Nullable Double frequencyPenalty) {
            this.frequencyPenalty = frequencyPenalty;
            return this;
        }

        @Override
        public Builder presencePenalty(@Nullable Double presencePenalty) {
            this.presencePenalty = presencePenalty;
            return this;
        }

        public Builder repeatPenalty(@Nullable Double repeatPenalty) {
            this.repeatPenalty = repeatPenalty;
            return this;
        }

        public Builder seed(@Nullable Long seed) {
            this.seed = seed;
            return this;
        }

        public Builder toolChoice(@Nullable ToolChoice toolChoice) {
            this.toolChoice = toolChoice;
            return this;
        }

        @Override
        public Builder toolCallbacks(List<ToolCallback> toolCallbacks) {
            this.toolCallbacks = new ArrayList<>(Objects.requireNonNull(toolCallbacks, "toolCallbacks"));
            return this;
        }

        @Override
        public Builder toolCallbacks(ToolCallback... toolCallbacks) {
            return toolCallbacks(List.of(toolCallbacks));
        }

        @Override
        public Builder toolContext(Map<String, Object> toolContext) {
            this.toolContext = new HashMap<>(Objects.requireNonNull(toolContext, "toolContext"));
            return this;
        }

        @Override
        public Builder toolContext(String key, Object value) {
            this.toolContext.put(key, value);
            return this;
        }

        @Override
        public Builder outputSchema(@Nullable String outputSchema) {
            this.outputSchema = outputSchema;
            return this;
        }

        /**
         * Takes every value {@code other} sets (stop sequences are added to these, tools and
         * tool context joined); what it leaves unset keeps this builder's value.
         */
        @Override
        public Builder combineWith(ChatOptions.Builder<?> other) {
            return combineFrom(other.build());
        }

        Builder combineFrom(ChatOptions other) {
            if (other.getModel() != null) {
                model = other.getModel();
            }
            if (other.getTemperature() != null) {
                temperature = other.getTemperature();
            }
            if (other.getTopP() != null) {
                topP = other.getTopP();
            }
            if (other.getTopK() != null) {
                topK = other.getTopK();
            }
            if (other.getMaxTokens() != null) {
                maxTokens = other.getMaxTokens();
            }
            if (other.getStopSequences() != null) {
                List<String> merged = stopSequences == null ? new ArrayList<>() : new ArrayList<>(stopSequences);
                merged.addAll(other.getStopSequences());
                stopSequences = merged;
            }
            if (other.getFrequencyPenalty() != null) {
                frequencyPenalty = other.getFrequencyPenalty();
            }
            if (other.getPresencePenalty() != null) {
                presencePenalty = other.getPresencePenalty();
            }
            if (other instanceof ToolCallingChatOptions tools) {
                // Spring AI's rule: the other's tools, when it has any, replace these.
                List<ToolCallback> callbacks = ToolCallingChatOptions.mergeToolCallbacks(tools.getToolCallbacks(), toolCallbacks);
                toolCallbacks = callbacks == null ? new ArrayList<>() : new ArrayList<>(callbacks);
                Map<String, Object> context = ToolCallingChatOptions.mergeToolContext(tools.getToolContext(), toolContext);
                toolContext = context == null ? new HashMap<>() : new HashMap<>(context);
            }
            if (other instanceof StructuredOutputChatOptions structured && structured.getOutputSchema() != null) {
                outputSchema = structured.getOutputSchema();
            }
            if (other instanceof PanamaLlamaChatOptions own) {
                if (own.minP != null) {
                    minP = own.minP;
                }
                if (own.repeatPenalty != null) {
                    repeatPenalty = own.repeatPenalty;
                }
                if (own.seed != null) {
                    seed = own.seed;
                }
                if (own.toolChoice != null) {
                    toolChoice = own.toolChoice;
                }
            }
            return this;
        }

        @Override
        public Builder clone() {
            return builder().combineFrom(build());
        }

        @Override
        public PanamaLlamaChatOptions build() {
            return new PanamaLlamaChatOptions(this);
        }
    }
}
