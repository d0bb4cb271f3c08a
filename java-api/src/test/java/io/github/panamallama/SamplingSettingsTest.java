package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SamplingSettingsTest {
    @Test
    void defaultsAreLlamaCpps() {
        SamplingSettings s = SamplingSettings.defaults();
        assertEquals(new SamplingSettings(0.8f, 40, 0.95f, 0.05f, 1, 0, 0, OptionalLong.empty(), Optional.empty()), s);
        assertFalse(s.greedy());
        assertFalse(s.penalised());
        assertEquals(s, s.toBuilder().build());
    }

    @Test
    void builderSetsEveryValue() {
        SamplingSettings s = SamplingSettings.builder().temperature(0.5f).topK(7).topP(0.9f).minP(0.1f)
                .penalties(1.1f, 0.25f, 0.5f).seed(42).grammar("root ::= \"a\"").build();
        assertEquals(new SamplingSettings(0.5f, 7, 0.9f, 0.1f, 1.1f, 0.25f, 0.5f, OptionalLong.of(42),
                Optional.of("root ::= \"a\"")), s);
        assertTrue(s.penalised());
        assertEquals(s, s.toBuilder().build());
        SamplingSettings plain = s.toBuilder().noFilters().randomSeed().grammar(null).build();
        assertEquals(0, plain.topK());
        assertEquals(1, plain.topP());
        assertEquals(0, plain.minP());
        assertEquals(OptionalLong.empty(), plain.seed());
        assertEquals(Optional.empty(), plain.grammar());
    }

    @Test
    void badValuesAreNamedWithTheValue() {
        assertBad(SamplingSettings.builder().temperature(-0.1f), "temperature must be finite and >= 0: -0.1");
        assertBad(SamplingSettings.builder().temperature(Float.NaN), "temperature must be finite and >= 0: NaN");
        assertBad(SamplingSettings.builder().topK(-1), "topK must be >= 0: -1");
        assertBad(SamplingSettings.builder().topP(0), "topP must be in (0, 1]: 0.0");
        assertBad(SamplingSettings.builder().topP(2), "topP must be in (0, 1]: 2.0");
        assertBad(SamplingSettings.builder().minP(1), "minP must be in [0, 1): 1.0");
        assertBad(SamplingSettings.builder().penalties(0, 0, 0), "repeatPenalty must be finite and > 0: 0.0");
        assertBad(SamplingSettings.builder().penalties(1, Float.POSITIVE_INFINITY, 0),
                "frequencyPenalty must be finite: Infinity");
        assertBad(SamplingSettings.builder().penalties(1, 0, Float.NaN), "presencePenalty must be finite: NaN");
        assertBad(SamplingSettings.builder().seed(-1), "seed must be 0..4294967295: -1");
        assertBad(SamplingSettings.builder().seed(1L << 32), "seed must be 0..4294967295: 4294967296");
        assertBad(SamplingSettings.builder().grammar(" "), "grammar is blank");
    }

    private static void assertBad(SamplingSettings.Builder builder, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, builder::build).getMessage());
    }

    @Test
    void samplerChainFollowsTheSettings() {
        try (LlamaModel model = LlamaModel.load(TestModels.tinyLlama())) {
            assertStages(model, SamplingSettings.builder().seed(7), List.of("top-k", "top-p", "min-p", "temp", "dist"));
            assertStages(model, SamplingSettings.builder().temperature(0), List.of("greedy"));
            assertStages(model, SamplingSettings.builder().temperature(0).penalties(1.1f, 0, 0).grammar("root ::= \"a\""),
                    List.of("grammar", "penalties", "greedy"));
            assertStages(model, SamplingSettings.builder().noFilters().temperature(0.7f).penalties(1, 0, 0.5f),
                    List.of("penalties", "temp", "dist"));
            try (Sampler biased = SamplingSettings.builder().temperature(0).grammar("root ::= \"a\"").build()
                    .newSampler(model, java.util.Map.of(1, -1f))) {
                assertEquals(List.of("grammar", "logit-bias", "greedy"), biased.stages());
            }
            assertThrows(IllegalArgumentException.class, () -> SamplingSettings.defaults()
                    .newSampler(model, java.util.Map.of(model.vocabulary().size(), 1f)), "not a token id");
            try (Sampler seeded = SamplingSettings.builder().seed(7).build().newSampler(model)) {
                assertEquals(7, seeded.seed());
            }
            try (Sampler random = SamplingSettings.defaults().newSampler(model)) {
                assertTrue(random.seed() >= 0 && random.seed() < Sampler.RANDOM_SEED, "llama.cpp drew a seed");
            }
        }
    }

    private static void assertStages(LlamaModel model, SamplingSettings.Builder settings, List<String> stages) {
        try (Sampler sampler = settings.build().newSampler(model)) {
            assertEquals(stages, sampler.stages());
        }
    }

    @Test
    void aGrammarTriggerNeedsAGrammarAndSurvivesToBuilder() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SamplingSettings.builder().grammarTrigger("[TOOL_CALLS]").build());
        assertTrue(e.getMessage().contains("trigger"), e.getMessage());
        SamplingSettings lazy = SamplingSettings.builder().grammar("root ::= \"x\"").grammarTrigger("[TOOL_CALLS]").build();
        assertEquals(Optional.of("[TOOL_CALLS]"), lazy.grammarTrigger());
        assertEquals(lazy, lazy.toBuilder().build());
        assertEquals(Optional.empty(), SamplingSettings.defaults().grammarTrigger());
    }
}
