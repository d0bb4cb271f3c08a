package io.github.panamallama.internal.validation;

import static org.junit.jupiter.api.Assertions.*;

import io.github.panamallama.MetadataOverride;
import io.github.panamallama.gguf.GgufValue;
import io.github.panamallama.gguf.GgufValueType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checks on metadata maps, without files: how llama.cpp reads a value decides what is checked. */
class HyperparameterChecksTest {
    private static Map<String, GgufValue> llama(long blocks) {
        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        metadata.put("general.architecture", new GgufValue.Str("llama"));
        metadata.put("llama.block_count", new GgufValue.UInt32(blocks));
        metadata.put("llama.attention.layer_norm_rms_epsilon", new GgufValue.Float32(1e-5f));
        return metadata;
    }

    private static void check(Map<String, GgufValue> metadata, MetadataOverride... overrides) {
        new HyperparameterChecks(new MetadataView(metadata, List.of(overrides))).check();
    }

    @Test
    void blockCountBoundaries() {
        check(llama(1));
        check(llama(512));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> check(llama(0)));
        assertEquals("llama.block_count", e.key());
        assertTrue(e.getMessage().contains("llama.block_count = 0") && e.getMessage().contains("[1, 512]")
                && e.getMessage().contains("src/llama-model.cpp:1260"), e.getMessage());
        assertThrows(InvalidModelException.class, () -> check(llama(513)));
    }

    @Test
    void anIntegerOverrideWrapsToUint32AsLlamaCppCastsIt() {
        // 2^32 + 2 is 2 once cast to uint32_t: fine. 2^32 is 0: refused.
        check(llama(2), new MetadataOverride.IntValue("llama.block_count", (1L << 32) + 2));
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> check(llama(2), new MetadataOverride.IntValue("llama.block_count", 1L << 32)));
        assertTrue(e.getMessage().contains("= 0 (set by a metadata override)"), e.getMessage());
        assertThrows(InvalidModelException.class,
                () -> check(llama(2), new MetadataOverride.IntValue("llama.block_count", -1)));
    }

    @Test
    void anOverrideOfAnotherKindIsIgnoredLikeLlamaCppDoes() {
        check(llama(2), new MetadataOverride.FloatValue("llama.block_count", 0));
    }

    @Test
    void aValueOfTheWrongTypeIsLeftToLlamaCppWhichThrows() {
        Map<String, GgufValue> metadata = llama(2);
        metadata.put("llama.block_count", new GgufValue.Int32(0));
        check(metadata);
    }

    @Test
    void aPerLayerOverrideCountsOnlyWhereTheFileHasTheKey() {
        // llama.cpp's get_key_or_arr looks the key up in the file first.
        check(llama(2), new MetadataOverride.IntValue("llama.expert_used_count", 2));
        Map<String, GgufValue> metadata = llama(2);
        metadata.put("llama.expert_used_count", new GgufValue.UInt32(0));
        assertThrows(InvalidModelException.class,
                () -> check(metadata, new MetadataOverride.IntValue("llama.expert_used_count", 2)));
    }

    @Test
    void perLayerArraysTakeTheirMaximum() {
        Map<String, GgufValue> metadata = llama(2);
        metadata.put("llama.expert_count", new GgufValue.UInt32(4));
        metadata.put("llama.expert_used_count", new GgufValue.Array(GgufValueType.INT32,
                List.of(new GgufValue.Int32(2), new GgufValue.Int32(5))));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> check(metadata));
        assertTrue(e.getMessage().contains("llama.expert_used_count = 5"), e.getMessage());
        metadata.put("llama.expert_used_count", new GgufValue.Array(GgufValueType.INT32,
                List.of(new GgufValue.Int32(2), new GgufValue.Int32(1))));
        check(metadata);
    }

    @Test
    void epsilonMustBeNonNegative() {
        Map<String, GgufValue> metadata = llama(2);
        metadata.put("llama.attention.layer_norm_rms_epsilon", new GgufValue.Float32(0f));
        check(metadata);
        assertThrows(InvalidModelException.class, () -> check(metadata,
                new MetadataOverride.FloatValue("llama.attention.layer_norm_rms_epsilon", -1e-6)));
        assertThrows(InvalidModelException.class, () -> check(metadata,
                new MetadataOverride.FloatValue("llama.attention.layer_norm_rms_epsilon", Double.NaN)));
    }

    @Test
    void ropeScalingTypeMustBeKnown() {
        for (String type : List.of("none", "linear", "yarn", "longrope")) {
            check(llama(2), new MetadataOverride.StringValue("llama.rope.scaling.type", type));
        }
        assertThrows(InvalidModelException.class,
                () -> check(llama(2), new MetadataOverride.StringValue("llama.rope.scaling.type", "YaRN")));
    }

    @Test
    void hunyuanTreatsOneExpertAsNone() {
        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        metadata.put("general.architecture", new GgufValue.Str("hunyuan-dense"));
        metadata.put("hunyuan-dense.block_count", new GgufValue.UInt32(2));
        metadata.put("hunyuan-dense.expert_count", new GgufValue.UInt32(1));
        metadata.put("hunyuan-dense.expert_used_count", new GgufValue.UInt32(1));
        check(metadata);
    }

    @Test
    void vocabularyTokensMustBeUnique() throws Exception {
        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        metadata.put("tokenizer.ggml.model", new GgufValue.Str("llama"));
        metadata.put("tokenizer.ggml.tokens", GgufValue.strings(List.of("a", "", "b", "[EMPTY_1]")));
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> VocabularyChecksTest.check(metadata));
        assertTrue(e.getMessage().contains("tokens[3] = '[EMPTY_1]' repeats token 1"), e.getMessage());
        metadata.put("tokenizer.ggml.tokens", GgufValue.strings(List.of("a", "", "b", "")));
        VocabularyChecksTest.check(metadata);
        // llama.cpp copies token texts as C strings: "b\0c" is "b".
        metadata.put("tokenizer.ggml.tokens", GgufValue.strings(List.of("a", "b", "b\0c")));
        e = assertThrows(InvalidModelException.class,
                () -> VocabularyChecksTest.check(metadata));
        assertTrue(e.getMessage().contains("tokens[2] = 'b' repeats token 1"), e.getMessage());
    }

    @Test
    void stringValuesEndAtTheFirstNulAsInC() {
        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        metadata.put("tokenizer.ggml.model", new GgufValue.Str("none\0llama"));
        metadata.put("tokenizer.ggml.tokens", GgufValue.strings(List.of("a")));
        assertThrows(InvalidModelException.class,
                () -> VocabularyChecksTest.check(metadata));
    }
}
