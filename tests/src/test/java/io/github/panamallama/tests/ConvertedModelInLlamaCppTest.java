package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.panamallama.LlamaModel;
import io.github.panamallama.fixture.TinyMistralConfig;
import org.junit.jupiter.api.Test;

/**
 * llama.cpp reads the converter's output as the flagship Mistral 7B v0.2 shape it claims to be:
 * the 32K training context and RoPE theta 1e6 survive conversion, and the layer and head counts
 * are the checkpoint's.
 */
class ConvertedModelInLlamaCppTest {
    @Test
    void llamaCppSeesTheCheckpointsHyperparameters() {
        TinyMistralConfig config = TinyMistralConfig.DEFAULT;
        try (LlamaModel model = LlamaModel.load(TestFixtures.tinyMistralF16())) {
            assertEquals("llama", model.architecture());
            assertEquals(32768, model.trainingContextLength());
            assertEquals(1_000_000.0, model.ropeFreqBase().orElseThrow());
            assertEquals(config.dim(), model.embeddingLength());
            assertEquals(config.layers(), model.layerCount());
            assertEquals(config.heads(), model.headCount());
            assertEquals(config.kvHeads(), model.kvHeadCount());
            assertEquals(config.vocabularySize(), model.vocabulary().size());
            assertEquals(1, model.vocabulary().bos().orElseThrow());
            assertEquals(2, model.vocabulary().eos().orElseThrow());
        }
    }
}
