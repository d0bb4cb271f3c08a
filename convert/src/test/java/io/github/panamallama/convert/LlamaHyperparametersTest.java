package io.github.panamallama.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LlamaHyperparametersTest {
    @Test
    void rejectsImpossibleShapes() {
        assertMessage("embeddingLength must be positive: 0", () -> new LlamaHyperparameters(0, 1, 1, 1, 1, 2, 1, 1, 1, 1));
        assertMessage("headCount 6 is not a multiple of headCountKv 4",
                () -> new LlamaHyperparameters(64, 1, 1, 6, 4, 2, 1, 1, 1, 1));
        assertMessage("headDimension must be even", () -> new LlamaHyperparameters(64, 1, 1, 4, 4, 3, 1, 1, 1, 1));
        assertMessage("must be positive: NaN", () -> new LlamaHyperparameters(64, 1, 1, 4, 4, 2, 1, Double.NaN, 1, 1));
    }

    @Test
    void overridesTheContextLengthOnly() {
        LlamaHyperparameters mistral = ModelDirectoryTest.MISTRAL_7B_V02;
        LlamaHyperparameters shorter = mistral.withContextLength(4096);
        assertEquals(4096, shorter.contextLength());
        assertEquals(mistral, shorter.withContextLength(32768));
    }

    private static void assertMessage(String expected, Runnable construction) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construction::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
