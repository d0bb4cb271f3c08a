package io.github.panamallama.langchain4j;

import static org.junit.jupiter.api.Assertions.*;

import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ToolChoice;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.Sampler;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RequestSettingsTest {
    private static RequestSettings settings(ChatRequestParameters parameters) {
        return RequestSettings.from(parameters);
    }

    @Test
    void unsetParametersTakeTheDefaults() {
        RequestSettings s = settings(ChatRequestParameters.builder().build());
        assertEquals(RequestSettings.DEFAULT_TEMPERATURE, s.temperature());
        assertEquals(Optional.empty(), s.topP());
        assertEquals(Optional.empty(), s.topK());
        assertEquals(GenerationOptions.DEFAULT_MAX_TOKENS, s.maxOutputTokens());
        assertEquals(List.of(), s.stopSequences());
        assertEquals(Optional.empty(), s.grammar());
        assertFalse(s.greedy());
    }

    @Test
    void mapsEveryParameter() {
        RequestSettings s = settings(ChatRequestParameters.builder().temperature(0.5).topP(0.9).topK(20)
                .frequencyPenalty(0.25).presencePenalty(0.5).maxOutputTokens(7).stopSequences("\n\n", "END").build());
        assertEquals(new RequestSettings(0.5, Optional.of(0.9), Optional.of(20), 0.25, 0.5, 7,
                List.of("\n\n", "END"), Optional.empty()), s);
        GenerationOptions options = s.generationOptions(null);
        assertEquals(7, options.maxTokens());
        assertEquals(List.of("\n\n", "END"), options.stopStrings());
        assertTrue(options.addSpecial() && options.parseSpecial());
        assertEquals(GenerationOptions.DEFAULT_MAX_TOKENS,
                settings(ChatRequestParameters.builder().build()).generationOptions(null).maxTokens());
    }

    @Test
    void samplerChainsFollowTheSettings() {
        try (LlamaModel model = LlamaModel.load(TinyModel.path())) {
            try (Sampler greedy = settings(ChatRequestParameters.builder().temperature(0.0).topK(5).build())
                    .sampler(model, OptionalLong.empty())) {
                assertEquals(List.of("greedy"), greedy.stages());
            }
            try (Sampler json = settings(ChatRequestParameters.builder().temperature(0.0).responseFormat(ResponseFormat.JSON)
                    .build()).sampler(model, OptionalLong.empty())) {
                assertEquals(List.of("grammar", "greedy"), json.stages());
            }
            try (Sampler penalised = settings(ChatRequestParameters.builder().temperature(0.0).frequencyPenalty(0.5).build())
                    .sampler(model, OptionalLong.empty())) {
                assertEquals(List.of("penalties", "greedy"), penalised.stages());
            }
            try (Sampler full = settings(ChatRequestParameters.builder().temperature(0.7).topK(40).topP(0.95)
                    .presencePenalty(0.5).build()).sampler(model, OptionalLong.of(7))) {
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
            assertTrue(e.getMessage().matches("(?s).*(temperature|topP|topK|maxOutputTokens|stop sequence|frequencyPenalty).*"),
                    e.getMessage());
        }
    }

    @Test
    void toolsAreUnsupported() {
        assertThrows(UnsupportedFeatureException.class,
                () -> settings(ChatRequestParameters.builder().toolChoice(ToolChoice.REQUIRED).build()));
    }
}
