package io.github.panamallama.springai;

import io.github.panamallama.ChatPool;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.Sampler;
import io.github.panamallama.SamplingSettings;
import io.github.panamallama.grammar.JsonSchemaGrammar;
import io.github.panamallama.grammar.ToolCallPlan;
import java.util.List;
import java.util.Optional;

/**
 * One request's generation settings, resolved from {@link PanamaLlamaChatOptions} (already
 * merged with the model's defaults) and checked before any native work. Values the options leave
 * unset keep llama.cpp's defaults ({@link SamplingSettings#builder()}); the core
 * {@link SamplingSettings} checks the ranges and builds the sampler.
 *
 * @param maxOutputTokens the options', else {@link GenerationOptions#DEFAULT_MAX_TOKENS}; a full
 *     context ends the reply sooner
 */
record RequestSettings(SamplingSettings sampling, int maxOutputTokens, List<String> stopSequences) {

    /**
     * @throws IllegalArgumentException for out-of-range values, an output schema the grammar
     *     cannot express, or an output schema together with tools
     */
    static RequestSettings from(PanamaLlamaChatOptions o, Optional<ToolCallPlan> tools) {
        if (tools.isPresent() && o.getOutputSchema() != null) {
            throw new IllegalArgumentException("an output schema (structured output) cannot be combined with tool callbacks");
        }
        if (o.getMaxTokens() != null && o.getMaxTokens() < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1: " + o.getMaxTokens());
        }
        if (o.getTopK() != null && o.getTopK() < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = off): " + o.getTopK());
        }
        SamplingSettings.Builder sampling = SamplingSettings.builder();
        SamplingSettings defaults = SamplingSettings.defaults();
        if (o.getTemperature() != null) {
            sampling.temperature(o.getTemperature().floatValue());
        }
        if (o.getTopK() != null) {
            sampling.topK(o.getTopK());
        }
        if (o.getTopP() != null) {
            sampling.topP(o.getTopP().floatValue());
        }
        if (o.getMinP() != null) {
            sampling.minP(o.getMinP().floatValue());
        }
        sampling.penalties(
                o.getRepeatPenalty() == null ? defaults.repeatPenalty() : o.getRepeatPenalty().floatValue(),
                o.getFrequencyPenalty() == null ? defaults.frequencyPenalty() : o.getFrequencyPenalty().floatValue(),
                o.getPresencePenalty() == null ? defaults.presencePenalty() : o.getPresencePenalty().floatValue());
        if (o.getSeed() != null) {
            sampling.seed(o.getSeed());
        }
        if (tools.isPresent()) {
            sampling.grammar(tools.get().grammar()).grammarTrigger(tools.get().trigger().orElse(null));
        } else if (o.getOutputSchema() != null) {
            sampling.grammar(JsonSchemaGrammar.fromSchema(o.getOutputSchema()));
        }
        int maxTokens = o.getMaxTokens() == null ? GenerationOptions.DEFAULT_MAX_TOKENS : o.getMaxTokens();
        List<String> stops = o.getStopSequences() == null ? List.of() : o.getStopSequences();
        RequestSettings settings = new RequestSettings(sampling.build(), maxTokens, stops);
        settings.generationOptions(null); // GenerationOptions checks the token limit and the stop strings
        return settings;
    }

    /** Options for one generation from the chat-template prompt. */
    GenerationOptions generationOptions(Sampler sampler) {
        return ChatPool.templateOptions(maxOutputTokens, stopSequences, sampler);
    }
}
