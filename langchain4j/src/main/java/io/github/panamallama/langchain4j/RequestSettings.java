package io.github.panamallama.langchain4j;

import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.Sampler;
import io.github.panamallama.grammar.JsonSchemaGrammar;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One request's generation settings, resolved from LangChain4j's {@link ChatRequestParameters}
 * (request values over the model's defaults) and checked before any native work.
 *
 * @param temperature 0 = greedy (always the most likely token)
 * @param maxOutputTokens the request's, else {@link GenerationOptions#DEFAULT_MAX_TOKENS}; a full
 *     context ends the reply sooner
 * @param grammar GBNF (root rule {@code root}) when a JSON response format was asked for
 */
record RequestSettings(
        double temperature,
        Optional<Double> topP,
        Optional<Integer> topK,
        double frequencyPenalty,
        double presencePenalty,
        int maxOutputTokens,
        List<String> stopSequences,
        Optional<String> grammar) {

    /** llama.cpp's usual default temperature, used when neither the request nor the model sets one. */
    static final double DEFAULT_TEMPERATURE = 0.8;
    /** How many recent tokens frequency/presence penalties look at. */
    static final int PENALTY_WINDOW = 64;
    /** The grammar of any JSON object ({@code ResponseFormat.JSON} without a schema). */
    private static final String ANY_JSON_OBJECT = "{\"type\":\"object\"}";

    /**
     * @throws IllegalArgumentException for out-of-range values or an unconvertible schema
     * @throws UnsupportedFeatureException for tools
     */
    static RequestSettings from(ChatRequestParameters p) {
        if (p.toolSpecifications() != null && !p.toolSpecifications().isEmpty()) {
            throw new UnsupportedFeatureException("tools are not supported by panama-llama chat models ("
                    + p.toolSpecifications().size() + " tool specifications given)");
        }
        if (p.toolChoice() == ToolChoice.REQUIRED) {
            throw new UnsupportedFeatureException("toolChoice REQUIRED is not supported by panama-llama chat models");
        }
        double temperature = p.temperature() == null ? DEFAULT_TEMPERATURE : p.temperature();
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0: " + temperature);
        }
        if (p.topP() != null && !(p.topP() > 0 && p.topP() <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1]: " + p.topP());
        }
        if (p.topK() != null && p.topK() < 1) {
            throw new IllegalArgumentException("topK must be >= 1: " + p.topK());
        }
        if (p.maxOutputTokens() != null && p.maxOutputTokens() < 1) {
            throw new IllegalArgumentException("maxOutputTokens must be >= 1: " + p.maxOutputTokens());
        }
        List<String> stops = p.stopSequences() == null ? List.of() : List.copyOf(p.stopSequences());
        for (String stop : stops) {
            if (stop.isEmpty()) {
                throw new IllegalArgumentException("a stop sequence is empty");
            }
        }
        return new RequestSettings(
                temperature,
                Optional.ofNullable(p.topP()),
                Optional.ofNullable(p.topK()),
                finiteOrZero("frequencyPenalty", p.frequencyPenalty()),
                finiteOrZero("presencePenalty", p.presencePenalty()),
                p.maxOutputTokens() == null ? GenerationOptions.DEFAULT_MAX_TOKENS : p.maxOutputTokens(),
                stops,
                grammar(p.responseFormat()));
    }

    private static double finiteOrZero(String name, Double value) {
        if (value == null) {
            return 0;
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite: " + value);
        }
        return value;
    }

    private static Optional<String> grammar(ResponseFormat format) {
        if (format == null || format.type() != ResponseFormatType.JSON) {
            return Optional.empty();
        }
        if (format.jsonSchema() == null || format.jsonSchema().rootElement() == null) {
            return Optional.of(JsonSchemaGrammar.fromSchema(ANY_JSON_OBJECT));
        }
        return Optional.of(JsonSchemaGrammar.fromSchema(JsonSchemas.toJson(format.jsonSchema().rootElement())));
    }

    boolean greedy() {
        return temperature == 0;
    }

    /**
     * The sampler chain: grammar, penalties, top-k, top-p, temperature, then a seeded random
     * pick; at temperature 0: grammar, penalties, greedy.
     *
     * @param seed empty = a fresh random seed drawn by llama.cpp
     */
    Sampler sampler(LlamaModel model, OptionalLong seed) {
        Sampler.Builder chain = Sampler.builder(model);
        grammar.ifPresent(gbnf -> chain.grammar(gbnf, "root"));
        if (frequencyPenalty != 0 || presencePenalty != 0) {
            chain.penalties(PENALTY_WINDOW, 1, (float) frequencyPenalty, (float) presencePenalty);
        }
        if (greedy()) {
            return chain.greedy().build(); // top-k/top-p cannot change the most likely token
        }
        topK.ifPresent(chain::topK);
        topP.ifPresent(p -> chain.topP(p.floatValue(), 1));
        chain.temperature((float) temperature);
        return (seed.isPresent() ? chain.distribution(seed.getAsLong()) : chain.distribution()).build();
    }

    /**
     * Options for one generation. The prompt is chat-template text: BOS is added and control
     * tokens written as text ({@code </s>}) are parsed, as {@link io.github.panamallama.ChatSession} does.
     */
    GenerationOptions generationOptions(Sampler sampler) {
        return GenerationOptions.builder()
                .maxTokens(maxOutputTokens)
                .stopStrings(stopSequences)
                .sampler(sampler)
                .addSpecial(true)
                .parseSpecial(true)
                .build();
    }
}
