package io.github.panamallama.langchain4j;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import io.github.panamallama.ChatPool;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.Sampler;
import io.github.panamallama.SamplingSettings;
import io.github.panamallama.grammar.JsonSchemaGrammar;
import io.github.panamallama.grammar.ToolCallPlan;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One request's generation settings, resolved from LangChain4j's {@link ChatRequestParameters}
 * (request values over the model's defaults) and checked before any native work. The sampling
 * values are checked and turned into a sampler by the core {@link SamplingSettings}; unset
 * top-k and top-p are off, and there is no min-p or repetition penalty (LangChain4j has none).
 *
 * @param sampling temperature 0 = greedy; the seed is the chat model's (empty = random)
 * @param maxOutputTokens the request's, else {@link GenerationOptions#DEFAULT_MAX_TOKENS}; a full
 *     context ends the reply sooner
 */
record RequestSettings(SamplingSettings sampling, int maxOutputTokens, List<String> stopSequences) {

    /** llama.cpp's usual default temperature, used when neither the request nor the model sets one. */
    static final float DEFAULT_TEMPERATURE = SamplingSettings.defaults().temperature();
    /** The grammar of any JSON object ({@code ResponseFormat.JSON} without a schema). */
    private static final String ANY_JSON_OBJECT = "{\"type\":\"object\"}";

    /**
     * @param seed the chat model's seed; empty = a fresh random one per request
     * @throws IllegalArgumentException for out-of-range values or an unconvertible schema
     *     (or tools combined with a JSON response format)
     */
    static RequestSettings from(ChatRequestParameters p, OptionalLong seed) {
        return from(p, seed, ChatTools.of(p, Integer.MAX_VALUE));
    }

    /** As {@link #from(ChatRequestParameters, OptionalLong)}, with the request's tools already read. */
    static RequestSettings from(ChatRequestParameters p, OptionalLong seed, Optional<ToolCallPlan> tools) {
        if (tools.isPresent() && p.responseFormat() != null && p.responseFormat().type() == ResponseFormatType.JSON) {
            throw new IllegalArgumentException("a JSON response format cannot be combined with tool specifications");
        }
        if (p.maxOutputTokens() != null && p.maxOutputTokens() < 1) {
            throw new IllegalArgumentException("maxOutputTokens must be >= 1: " + p.maxOutputTokens());
        }
        if (p.topK() != null && p.topK() < 1) { // SamplingSettings reads 0 as off; here off is unset
            throw new IllegalArgumentException("topK must be >= 1: " + p.topK());
        }
        SamplingSettings.Builder sampling = SamplingSettings.builder().noFilters()
                .temperature(p.temperature() == null ? DEFAULT_TEMPERATURE : p.temperature().floatValue())
                .penalties(1, floatOrZero(p.frequencyPenalty()), floatOrZero(p.presencePenalty()))
                .grammar(tools.map(ToolCallPlan::grammar).orElseGet(() -> grammar(p.responseFormat())))
                .grammarTrigger(tools.flatMap(ToolCallPlan::trigger).orElse(null));
        if (p.topK() != null) {
            sampling.topK(p.topK());
        }
        if (p.topP() != null) {
            sampling.topP(p.topP().floatValue());
        }
        seed.ifPresent(sampling::seed);
        int maxTokens = p.maxOutputTokens() == null ? GenerationOptions.DEFAULT_MAX_TOKENS : p.maxOutputTokens();
        List<String> stops = p.stopSequences() == null ? List.of() : List.copyOf(p.stopSequences());
        RequestSettings settings = new RequestSettings(sampling.build(), maxTokens, stops);
        settings.generationOptions(null); // GenerationOptions checks the token limit and the stop strings
        return settings;
    }

    private static float floatOrZero(Double value) {
        return value == null ? 0 : value.floatValue();
    }

    private static String grammar(ResponseFormat format) {
        if (format == null || format.type() != ResponseFormatType.JSON) {
            return null;
        }
        if (format.jsonSchema() == null || format.jsonSchema().rootElement() == null) {
            return JsonSchemaGrammar.fromSchema(ANY_JSON_OBJECT);
        }
        return JsonSchemaGrammar.fromSchema(JsonSchemas.toJson(format.jsonSchema().rootElement()));
    }

    /** Options for one generation from the chat-template prompt. */
    GenerationOptions generationOptions(Sampler sampler) {
        return ChatPool.templateOptions(maxOutputTokens, stopSequences, sampler);
    }
}
