package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.gguf.GgmlType;
import io.github.panamallama.internal.llama.llama_h;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The enums whose numbers are typed by hand (they are public API, so they cannot be generated)
 * against the constants jextract generated from llama.cpp's headers: each value has the
 * header's number, and each constant of the header's enum has a value here, so a new ggml type
 * or pooling mode in a future llama.cpp fails this test instead of reading as garbage.
 */
class GeneratedConstantsTest {
    @Test
    void ggmlTypes() {
        check("GGML_TYPE_", GgmlType.class, GgmlType::id, GgmlType::name, Set.of("COUNT"));
    }

    @Test
    void cacheTypesAreGgmlTypes() {
        check("GGML_TYPE_", CacheType.class, type -> type.nativeValue, CacheType::name, null);
    }

    @Test
    void attentionTypes() {
        check("LLAMA_ATTENTION_TYPE_", AttentionType.class, type -> type.nativeValue, GeneratedConstantsTest::unspecified,
                Set.of());
    }

    @Test
    void flashAttention() {
        check("LLAMA_FLASH_ATTN_TYPE_", FlashAttention.class, type -> type.nativeValue, FlashAttention::name, Set.of());
    }

    @Test
    void poolingTypes() {
        check("LLAMA_POOLING_TYPE_", PoolingType.class, type -> type.nativeValue, GeneratedConstantsTest::unspecified,
                Set.of());
    }

    @Test
    void ropeScalingTypes() {
        check("LLAMA_ROPE_SCALING_TYPE_", RopeScalingType.class, type -> type.nativeValue,
                GeneratedConstantsTest::unspecified, Set.of("MAX_VALUE"));
    }

    @Test
    void splitModes() {
        check("LLAMA_SPLIT_MODE_", SplitMode.class, mode -> mode.nativeValue, SplitMode::name, Set.of());
    }

    @Test
    void tokenAttributes() {
        // UNDEFINED is the empty set (0), which EnumSet expresses without a value of its own.
        Map<String, Integer> header = constants("LLAMA_TOKEN_ATTR_");
        assertEquals(0, header.remove("UNDEFINED"));
        for (TokenAttribute attribute : TokenAttribute.values()) {
            assertEquals(header.remove(attribute.name()), attribute.bit, attribute.name());
        }
        assertTrue(header.isEmpty(), "header attributes without a TokenAttribute: " + header);
    }

    @Test
    void vocabularyTypesByOrdinal() {
        Map<String, Integer> header = constants("LLAMA_VOCAB_TYPE_");
        for (VocabularyType type : VocabularyType.values()) {
            if (type == VocabularyType.UNKNOWN) {
                continue; // for numbers a newer library might report
            }
            assertEquals(header.remove(type.name()), type.ordinal(), type.name());
            assertEquals(type, VocabularyType.of(type.ordinal()));
        }
        assertTrue(header.isEmpty(), "header vocabulary types without a VocabularyType: " + header);
    }

    /** The Java name of a value whose header name is {@code UNSPECIFIED} (llama.cpp: use the model's). */
    private static String unspecified(Enum<?> value) {
        return value.name().equals("MODEL_DEFAULT") ? "UNSPECIFIED" : value.name();
    }

    /**
     * Every value's number equals the header constant {@code prefix + headerName}; when
     * {@code sentinels} is not null, every header constant but those has a value too.
     */
    private static <E extends Enum<E>> void check(String prefix, Class<E> type, ToIntFunction<E> number,
            Function<E, String> headerName, Set<String> sentinels) {
        Map<String, Integer> header = constants(prefix);
        for (E value : type.getEnumConstants()) {
            String name = headerName.apply(value);
            assertTrue(header.containsKey(name), type.getSimpleName() + "." + value + ": no " + prefix + name);
            assertEquals(header.remove(name), number.applyAsInt(value), type.getSimpleName() + "." + value);
        }
        if (sentinels != null) {
            header.keySet().removeAll(sentinels);
            assertTrue(header.isEmpty(), prefix + "* constants without a " + type.getSimpleName() + ": " + header);
        }
    }

    /** The generated {@code int} constants named {@code prefix*}, by the rest of their name. */
    private static Map<String, Integer> constants(String prefix) {
        return Arrays.stream(llama_h.class.getMethods())
                .filter(method -> Modifier.isStatic(method.getModifiers()) && method.getParameterCount() == 0
                        && method.getReturnType() == int.class && method.getName().startsWith(prefix))
                .collect(Collectors.toMap(method -> method.getName().substring(prefix.length()),
                        GeneratedConstantsTest::invoke, (a, b) -> a, TreeMap::new));
    }

    private static int invoke(Method constant) {
        try {
            return (int) constant.invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot read " + constant.getName(), e);
        }
    }
}
