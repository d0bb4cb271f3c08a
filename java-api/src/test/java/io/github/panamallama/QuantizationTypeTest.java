package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuantizationTypeTest {
    @Test
    void parsesNamesIgnoringCaseAndDashes() {
        assertEquals(QuantizationType.Q4_K_M, QuantizationType.parse("q4_k_m"));
        assertEquals(QuantizationType.Q4_K_M, QuantizationType.parse(" Q4_K_M "));
        assertEquals(QuantizationType.IQ4_XS, QuantizationType.parse("iq4-xs"));
        assertEquals(QuantizationType.BF16, QuantizationType.parse("bf16"));
        for (QuantizationType type : QuantizationType.values()) {
            assertEquals(type, QuantizationType.parse(type.name().toLowerCase()));
        }
    }

    @Test
    void acceptsLlamaQuantizeAliases() {
        assertEquals(QuantizationType.Q3_K_M, QuantizationType.parse("q3_k"));
        assertEquals(QuantizationType.Q4_K_M, QuantizationType.parse("Q4_K"));
        assertEquals(QuantizationType.Q5_K_M, QuantizationType.parse("q5_k"));
    }

    @Test
    void unknownNameListsTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuantizationType.parse("q4_z"));
        assertTrue(e.getMessage().startsWith("unknown quantization type 'q4_z'; valid types: F32, F16, BF16, Q8_0,"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Q4_K_M"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(aliases: Q3_K, Q4_K, Q5_K)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> QuantizationType.parse(""));
    }

    @Test
    void bitsPerWeightFollowFromBlockLayouts() {
        // bytes per block * 8 / elements per block, from ggml's block structs
        assertEquals(18 * 8 / 32.0, QuantizationType.Q4_0.bitsPerWeight());
        assertEquals(34 * 8 / 32.0, QuantizationType.Q8_0.bitsPerWeight());
        assertEquals(144 * 8 / 256.0, QuantizationType.Q4_K_M.bitsPerWeight());
        assertEquals(210 * 8 / 256.0, QuantizationType.Q6_K.bitsPerWeight());
        assertEquals(136 * 8 / 256.0, QuantizationType.IQ4_XS.bitsPerWeight());
        assertTrue(Arrays.stream(QuantizationType.values()).allMatch(type -> type.bitsPerWeight() > 1));
    }

    @Test
    void importanceMatrixTypesAreTheOnesLlamaCppRefusesWithoutOne() {
        Set<QuantizationType> needing = EnumSet.noneOf(QuantizationType.class);
        for (QuantizationType type : QuantizationType.values()) {
            if (type.requiresImportanceMatrix()) {
                needing.add(type);
            }
        }
        assertEquals(EnumSet.of(QuantizationType.Q2_K_S, QuantizationType.IQ1_S, QuantizationType.IQ1_M,
                QuantizationType.IQ2_XXS, QuantizationType.IQ2_XS, QuantizationType.IQ2_S, QuantizationType.IQ2_M,
                QuantizationType.IQ3_XXS), needing);
        assertFalse(QuantizationType.Q4_K_M.requiresImportanceMatrix());
    }
}
