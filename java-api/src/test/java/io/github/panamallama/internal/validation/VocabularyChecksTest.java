package io.github.panamallama.internal.validation;

import static org.junit.jupiter.api.Assertions.*;

import io.github.panamallama.MetadataOverride;
import io.github.panamallama.gguf.GgufValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The vocabulary checks on metadata maps and raw token bytes, without files. */
class VocabularyChecksTest {
    /** Checks with the raw texts being the strings' UTF-8 (as read from a file of valid UTF-8). */
    static void check(Map<String, GgufValue> metadata, MetadataOverride... overrides) throws IOException {
        List<byte[]> raw = new ArrayList<>();
        if (metadata.get("tokenizer.ggml.tokens") instanceof GgufValue.Array(var type, List<GgufValue> elements)) {
            elements.forEach(e -> raw.add(e.asString().getBytes(StandardCharsets.UTF_8)));
        }
        new VocabularyChecks(new MetadataView(metadata, List.of(overrides)), () -> Optional.of(raw)).check();
    }

    /** Checks texts given as bytes: the map holds them decoded, as the GGUF reader does. */
    private static void checkBytes(String model, List<byte[]> raw, MetadataOverride... overrides) throws IOException {
        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        metadata.put("tokenizer.ggml.model", new GgufValue.Str(model));
        metadata.put("tokenizer.ggml.tokens", GgufValue.strings(
                raw.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList()));
        new VocabularyChecks(new MetadataView(metadata, List.of(overrides)), () -> Optional.of(raw)).check();
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void textsThatDifferOnlyInInvalidUtf8AreDistinct() throws IOException {
        // 0xff and 0xfe both decode to U+FFFD: equal as strings, different to llama.cpp.
        checkBytes("llama", List.of(bytes('a'), bytes('x', 0xff), bytes('x', 0xfe), bytes(0xef, 0xbf, 0xbd)));
    }

    @Test
    void byteForByteDuplicatesWithInvalidUtf8AreRefused() {
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> checkBytes("llama",
                List.of(bytes('a'), bytes('x', 0xff), bytes('x', 0xfe), bytes('x', 0xff))));
        assertEquals("tokenizer.ggml.tokens", e.key());
        assertTrue(e.getMessage().contains("tokens[3]") && e.getMessage().contains("repeats token 1")
                && e.getMessage().contains("78ff") && e.getMessage().contains("src/llama-vocab.cpp:2539"), e.getMessage());
        // Up to the first NUL, as llama.cpp copies them.
        assertThrows(InvalidModelException.class, () -> checkBytes("llama",
                List.of(bytes('x', 0xff), bytes('x', 0xff, 0, 'y'))));
    }

    @Test
    void rwkvTokensMustStartWithAByteThatIsAToken() throws IOException {
        List<byte[]> complete = List.of(bytes('\\', 'n'), bytes('\\', 'n', '\\', 'n'), bytes('a'), bytes('a', 'b'));
        checkBytes("rwkv", complete);
        // "\n\n" without "\n": tokenizing the newline at load never ends.
        List<byte[]> noNewline = List.of(bytes('\\', 'n', '\\', 'n'), bytes('a'));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> checkBytes("rwkv", noNewline));
        assertTrue(e.getMessage().contains("tokens[0]") && e.getMessage().contains("0x0a")
                && e.getMessage().contains("src/llama-vocab.cpp:2571"), e.getMessage());
        // Through an override of the tokenizer model, as llama.cpp reads it.
        e = assertThrows(InvalidModelException.class, () -> checkBytes("llama", noNewline,
                new MetadataOverride.StringValue("tokenizer.ggml.model", "rwkv")));
        assertTrue(e.getMessage().contains("set by a metadata override"), e.getMessage());
        // The same texts are harmless to other tokenizers.
        checkBytes("llama", noNewline);
        // Hex escapes are unescaped first: "\x41b" starts with 'A'.
        assertThrows(InvalidModelException.class, () -> checkBytes("rwkv", List.of(bytes('\\', 'x', '4', '1', 'b'))));
        checkBytes("rwkv", List.of(bytes('\\', 'x', '4', '1', 'b'), bytes('A')));
    }

    @Test
    void rwkvUnescapingFollowsLlamaCpp() {
        assertArrayEquals(bytes('\t', '\n', '\r', 'q', 0x41, 0xff), VocabularyChecks.unescapeRwkv(
                "\\t\\n\\r\\q\\x41\\xff".getBytes(StandardCharsets.US_ASCII)));
    }
}
