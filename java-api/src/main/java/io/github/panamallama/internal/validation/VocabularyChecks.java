package io.github.panamallama.internal.validation;

import io.github.panamallama.gguf.GgufValue;
import io.github.panamallama.gguf.GgufValueType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The vocabulary facts llama.cpp v0.5.0 asserts on (or throws on in a place where the exception
 * cannot be caught: a C++ exception that leaves a C API function terminates the process).
 * Checked for every load, vocabulary-only ones included.
 *
 * <p>Covered (file:line in llama.cpp v0.5.0):
 * <ul>
 * <li>src/llama-vocab.cpp:2539 {@code id_to_token.size() == token_to_id.size()}: token texts are
 *     unique, as llama.cpp reads them: up to the first NUL (it copies a {@code const char *}),
 *     and an empty text counts as {@code [EMPTY_<i>]}, as llama.cpp renames it
 * <li>src/llama-vocab.cpp:3417 and 3649: a vocabulary of type none ({@code no_vocab}/{@code none})
 *     aborts on the first tokenization; refused
 * <li>src/llama-vocab.cpp:3202: a WPM ({@code bert}) vocabulary aborts when it turns a BYTE token
 *     into text; BYTE tokens refused there
 * <li>src/llama-vocab.cpp:3193/3198 ({@code token_text.substr(3, 2)}): for SPM, UGM and BPE a
 *     BYTE token's text must be at least 3 bytes ({@code <0xXX>}), or {@code std::out_of_range}
 *     escapes {@code llama_token_to_piece}
 *     Texts with invalid UTF-8 are compared as the bytes in the file: the Java reader decodes
 *     every invalid sequence to U+FFFD, so texts differing only there look equal as strings
 * <li>src/llama-vocab.cpp:2570-2573, the RWKV newline ({@code tokenize("\n")}, then {@code
 *     GGML_ASSERT(!ids.empty())}): the assert itself cannot fire (the RWKV tokenizer emits a
 *     token, or the unknown token, for every step), but the tokenization never ends when a
 *     token starts with a byte that is no token of its own: {@code llm_tokenizer_rwkv_session}
 *     (lines 1331-1358) then restarts at the same position forever, appending to its output
 *     until memory runs out (at load when a token starts with a newline and {@code "\n"} is no
 *     token; on any prompt that reaches such a byte otherwise). So every token's first byte
 *     (after {@code llama_unescape_rwkv_token}, lines 1258-1310) must be a one-byte token
 * </ul>
 */
final class VocabularyChecks {
    static final int TOKEN_TYPE_BYTE = 6; // LLAMA_TOKEN_TYPE_BYTE
    static final Set<String> NO_VOCABULARY = Set.of("no_vocab", "none");
    static final Set<String> BYTE_FROM_TEXT = Set.of("llama", "t5", "gpt2", "hybriddna", "whitespace", "gemma4");

    /** The token texts as the bytes in the file (read only when needed). */
    @FunctionalInterface
    interface RawTokens {
        Optional<List<byte[]>> read() throws IOException;
    }

    private final MetadataView metadata;
    private final RawTokens rawTokens;

    VocabularyChecks(MetadataView metadata, RawTokens rawTokens) {
        this.metadata = metadata;
        this.rawTokens = rawTokens;
    }

    void check() throws IOException {
        String modelKey = "tokenizer.ggml.model";
        Optional<String> model = metadata.string(modelKey);
        if (model.isEmpty()) {
            return; // llama.cpp throws "key not found"
        }
        if (NO_VOCABULARY.contains(model.get())) {
            throw new InvalidModelException(modelKey, modelKey + " = '" + model.get() + "'" + metadata.origin(modelKey)
                    + " declares no vocabulary, and generation tokenizes"
                    + HyperparameterChecks.aborts("src/llama-vocab.cpp:3417, at the first tokenization"));
        }
        Optional<List<GgufValue>> tokens = metadata.array("tokenizer.ggml.tokens", GgufValueType.STRING);
        if (tokens.isEmpty()) {
            return; // llama.cpp throws "cannot find tokenizer vocab" / wrong type
        }
        checkUnique(tokens.get());
        if (model.get().equals("rwkv")) {
            checkRwkvTokenStarts(modelKey);
        }
        Optional<List<GgufValue>> types = metadata.array("tokenizer.ggml.token_type", GgufValueType.INT32);
        if (types.isPresent() && types.get().size() == tokens.get().size()) {
            checkByteTokens(model.get(), tokens.get(), types.get());
        }
    }

    private void checkUnique(List<GgufValue> tokens) throws IOException {
        Map<String, Integer> seen = new HashMap<>(tokens.size() * 2);
        boolean replaced = false;
        for (int i = 0; i < tokens.size(); i++) {
            String text = MetadataView.asCString(tokens.get(i).asString());
            if (text.isEmpty()) {
                text = "[EMPTY_" + i + "]";
            }
            if (text.indexOf('\uFFFD') >= 0) {
                replaced = true; // perhaps invalid UTF-8: compared as bytes below
                continue;
            }
            Integer previous = seen.putIfAbsent(text, i);
            if (previous != null) {
                throw duplicate(i, text, previous);
            }
        }
        if (replaced) {
            checkUniqueBytes(tokens);
        }
    }

    /** The texts that decode with U+FFFD, compared as llama.cpp does: bytes up to the first NUL. */
    private void checkUniqueBytes(List<GgufValue> tokens) throws IOException {
        List<byte[]> raw = rawTokens.read().orElseThrow(() -> new IllegalStateException("no raw token texts"));
        Map<ByteBuffer, Integer> seen = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).asString().indexOf('\uFFFD') < 0) {
                continue; // valid UTF-8 without U+FFFD never equals a text that has it
            }
            byte[] text = cString(raw.get(i));
            if (text.length == 0) {
                continue; // renamed [EMPTY_i]: unique
            }
            Integer previous = seen.putIfAbsent(ByteBuffer.wrap(text), i);
            if (previous != null) {
                throw duplicate(i, MetadataView.asCString(tokens.get(i).asString()) + " (bytes " + hex(text) + ")",
                        previous);
            }
        }
    }

    private static InvalidModelException duplicate(int index, String text, int previous) {
        return new InvalidModelException("tokenizer.ggml.tokens", "tokenizer.ggml.tokens[" + index + "] = '" + text
                + "' repeats token " + previous + ": token texts must be unique"
                + HyperparameterChecks.aborts("src/llama-vocab.cpp:2539"));
    }

    private void checkRwkvTokenStarts(String modelKey) throws IOException {
        List<byte[]> raw = rawTokens.read().orElseThrow(() -> new IllegalStateException("no raw token texts"));
        List<byte[]> texts = new ArrayList<>(raw.size());
        boolean[] oneByteToken = new boolean[256];
        for (int i = 0; i < raw.size(); i++) {
            byte[] text = cString(raw.get(i));
            // llama.cpp renames an empty text before it builds the RWKV trie from the texts.
            text = unescapeRwkv(text.length == 0 ? ("[EMPTY_" + i + "]").getBytes(StandardCharsets.US_ASCII) : text);
            texts.add(text);
            if (text.length == 1) {
                oneByteToken[text[0] & 0xFF] = true;
            }
        }
        for (int i = 0; i < texts.size(); i++) {
            byte[] text = texts.get(i);
            if (text.length > 1 && !oneByteToken[text[0] & 0xFF]) {
                throw new InvalidModelException("tokenizer.ggml.tokens", "tokenizer.ggml.tokens[" + i + "] = '"
                        + new String(raw.get(i), StandardCharsets.UTF_8) + "' starts with byte 0x"
                        + hex(new byte[] {text[0]}) + ", which is no token of its own: with " + modelKey + " = 'rwkv'"
                        + metadata.origin(modelKey) + " llama.cpp's tokenizer never finishes text that reaches that"
                        + " byte (src/llama-vocab.cpp:1331-1358), at load already if it is the newline"
                        + " (src/llama-vocab.cpp:2571); it fills memory until the process aborts");
            }
        }
    }

    /** src/llama-vocab.cpp:1258 {@code llama_unescape_rwkv_token}, byte for byte. */
    static byte[] unescapeRwkv(byte[] escaped) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(escaped.length);
        boolean escaping = false;
        int hexRemaining = 0;
        int hexAcc = 0;
        for (byte b : escaped) {
            int c = b; // C's char is signed here, as in llama.cpp's arithmetic
            if (hexRemaining != 0) {
                int value = c >= 'a' ? c - 'a' + 10 : c - '0';
                hexAcc = ((hexAcc << 4) + value) & 0xFF;
                if (--hexRemaining == 0) {
                    out.write(hexAcc);
                    hexAcc = 0;
                }
                continue;
            }
            if (escaping) {
                switch (c) {
                    case 't' -> out.write('\t');
                    case 'n' -> out.write('\n');
                    case 'r' -> out.write('\r');
                    case 'x' -> hexRemaining = 2;
                    default -> out.write(c);
                }
                escaping = false;
                continue;
            }
            if (c == '\\') {
                escaping = true;
                continue;
            }
            out.write(c);
        }
        return out.toByteArray();
    }

    private static byte[] cString(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return java.util.Arrays.copyOf(bytes, i);
            }
        }
        return bytes;
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(String.format("%02x", b & 0xFF));
        }
        return out.toString();
    }

    private static void checkByteTokens(String model, List<GgufValue> tokens, List<GgufValue> types) {
        for (int i = 0; i < tokens.size(); i++) {
            if (types.get(i).asLong() != TOKEN_TYPE_BYTE) {
                continue;
            }
            if (model.equals("bert")) {
                throw new InvalidModelException("tokenizer.ggml.token_type", "tokenizer.ggml.token_type[" + i
                        + "] = 6 (BYTE) in a WPM ('bert') vocabulary: WPM has no byte tokens"
                        + HyperparameterChecks.aborts("src/llama-vocab.cpp:3202, when the token is turned into text"));
            }
            String text = MetadataView.asCString(tokens.get(i).asString());
            if (BYTE_FROM_TEXT.contains(model) && text.getBytes(StandardCharsets.UTF_8).length < 3) {
                throw new InvalidModelException("tokenizer.ggml.tokens", "tokenizer.ggml.tokens[" + i + "] = '" + text
                        + "' is a BYTE token (tokenizer.ggml.token_type 6) but not of the form <0xXX>"
                        + HyperparameterChecks.aborts("std::out_of_range from src/llama-vocab.cpp:3193 escapes"
                        + " llama_token_to_piece"));
            }
        }
    }
}
