package io.github.panamallama.internal.validation;

import io.github.panamallama.gguf.GgufValue;
import io.github.panamallama.gguf.GgufValueType;
import java.nio.charset.StandardCharsets;
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
 * </ul>
 * Not covered: duplicates made only of different invalid UTF-8 sequences (the Java reader
 * decodes both to U+FFFD, so they cannot be told apart; such pairs are let through).
 */
final class VocabularyChecks {
    static final int TOKEN_TYPE_BYTE = 6; // LLAMA_TOKEN_TYPE_BYTE
    static final Set<String> NO_VOCABULARY = Set.of("no_vocab", "none");
    static final Set<String> BYTE_FROM_TEXT = Set.of("llama", "t5", "gpt2", "hybriddna", "whitespace", "gemma4");

    private final MetadataView metadata;

    VocabularyChecks(MetadataView metadata) {
        this.metadata = metadata;
    }

    void check() {
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
        Optional<List<GgufValue>> types = metadata.array("tokenizer.ggml.token_type", GgufValueType.INT32);
        if (types.isPresent() && types.get().size() == tokens.get().size()) {
            checkByteTokens(model.get(), tokens.get(), types.get());
        }
    }

    private static void checkUnique(List<GgufValue> tokens) {
        Map<String, Integer> seen = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            String text = MetadataView.asCString(tokens.get(i).asString());
            if (text.isEmpty()) {
                text = "[EMPTY_" + i + "]";
            }
            Integer previous = seen.putIfAbsent(text, i);
            if (previous != null && text.indexOf('\uFFFD') < 0) {
                throw new InvalidModelException("tokenizer.ggml.tokens", "tokenizer.ggml.tokens[" + i + "] = '" + text
                        + "' repeats token " + previous + ": token texts must be unique"
                        + HyperparameterChecks.aborts("src/llama-vocab.cpp:2539"));
            }
        }
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
