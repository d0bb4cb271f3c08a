package io.github.panamallama.langchain4j;

import static org.junit.jupiter.api.Assertions.*;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ToolChoice;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.Sampler;
import io.github.panamallama.SamplingSettings;
import io.github.panamallama.fixture.BuiltFixtures;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RequestSettingsTest {
    private static RequestSettings settings(ChatRequestParameters parameters) {
        return RequestSettings.from(parameters, OptionalLong.empty());
    }

    @Test
    void unsetParametersTakeTheDefaults() {
        RequestSettings s = settings(ChatRequestParameters.builder().build());
        assertEquals(SamplingSettings.builder().noFilters().build(), s.sampling(), "llama.cpp's temperature, no filters");
        assertEquals(0.8f, RequestSettings.DEFAULT_TEMPERATURE);
        assertEquals(GenerationOptions.DEFAULT_MAX_TOKENS, s.maxOutputTokens());
        assertEquals(List.of(), s.stopSequences());
        assertFalse(s.sampling().greedy());
    }

    @Test
    void mapsEveryParameter() {
        RequestSettings s = settings(ChatRequestParameters.builder().temperature(0.5).topP(0.9).topK(20)
                .frequencyPenalty(0.25).presencePenalty(0.5).maxOutputTokens(7).stopSequences("\n\n", "END").build());
        assertEquals(new RequestSettings(SamplingSettings.builder().temperature(0.5f).topK(20).topP(0.9f).minP(0)
                .penalties(1, 0.25f, 0.5f).build(), 7, List.of("\n\n", "END")), s);
        assertEquals(OptionalLong.of(9), RequestSettings.from(ChatRequestParameters.builder().build(), OptionalLong.of(9))
                .sampling().seed(), "the chat model's seed");
        GenerationOptions options = s.generationOptions(null);
        assertEquals(7, options.maxTokens());
        assertEquals(List.of("\n\n", "END"), options.stopStrings());
        assertTrue(options.addSpecial() && options.parseSpecial());
        assertEquals(GenerationOptions.DEFAULT_MAX_TOKENS,
                settings(ChatRequestParameters.builder().build()).generationOptions(null).maxTokens());
    }

    @Test
    void samplerChainsFollowTheSettings() {
        try (LlamaModel model = LlamaModel.load(BuiltFixtures.tinyMistralF16())) {
            try (Sampler greedy = settings(ChatRequestParameters.builder().temperature(0.0).topK(5).build())
                    .sampling().newSampler(model)) {
                assertEquals(List.of("greedy"), greedy.stages());
            }
            try (Sampler json = settings(ChatRequestParameters.builder().temperature(0.0).responseFormat(ResponseFormat.JSON)
                    .build()).sampling().newSampler(model)) {
                assertEquals(List.of("grammar", "greedy"), json.stages());
            }
            try (Sampler penalised = settings(ChatRequestParameters.builder().temperature(0.0).frequencyPenalty(0.5).build())
                    .sampling().newSampler(model)) {
                assertEquals(List.of("penalties", "greedy"), penalised.stages());
            }
            try (Sampler full = RequestSettings.from(ChatRequestParameters.builder().temperature(0.7).topK(40).topP(0.95)
                    .presencePenalty(0.5).build(), OptionalLong.of(7)).sampling().newSampler(model)) {
                assertEquals(List.of("penalties", "top-k", "top-p", "temp", "dist"), full.stages());
                assertEquals(7, full.seed());
            }
        }
    }

    @Test
    void badValuesNameTheParameter() {
        for (var bad : List.of(
                ChatRequestParameters.builder().temperature(-0.1).build(),
                ChatRequestParameters.builder().temperature(Double.NaN).build(),
                ChatRequestParameters.builder().topP(0.0).build(),
                ChatRequestParameters.builder().topK(0).build(),
                ChatRequestParameters.builder().maxOutputTokens(0).build(),
                ChatRequestParameters.builder().stopSequences("").build(),
                ChatRequestParameters.builder().frequencyPenalty(Double.POSITIVE_INFINITY).build())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings(bad), bad.toString());
            assertTrue(e.getMessage().matches("(?s).*(temperature|topP|topK|maxOutputTokens|stop string|frequencyPenalty).*"),
                    e.getMessage());
        }
    }

    @Test
    void toolsGiveAGrammarLazyOnlyForAuto() {
        assertThrows(IllegalArgumentException.class,
                () -> settings(ChatRequestParameters.builder().toolChoice(ToolChoice.REQUIRED).build()));
        var tool = dev.langchain4j.agent.tool.ToolSpecification.builder().name("f").build();
        RequestSettings required = settings(ChatRequestParameters.builder().toolSpecifications(tool).toolChoice(ToolChoice.REQUIRED).build());
        assertTrue(required.sampling().grammar().orElseThrow().startsWith("root ::= \"[TOOL_CALLS]\""));
        assertTrue(required.sampling().grammarTrigger().isEmpty());
        RequestSettings auto = settings(ChatRequestParameters.builder().toolSpecifications(tool).build());
        assertEquals("[TOOL_CALLS]", auto.sampling().grammarTrigger().orElseThrow());
        RequestSettings none = settings(ChatRequestParameters.builder().toolSpecifications(tool).toolChoice(ToolChoice.NONE).build());
        assertTrue(none.sampling().grammar().isEmpty());
    }
}
