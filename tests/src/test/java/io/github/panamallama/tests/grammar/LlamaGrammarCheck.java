package io.github.panamallama.tests.grammar;

import static io.github.panamallama.internal.llama.llama_h.*;

import io.github.panamallama.LlamaRuntime;
import io.github.panamallama.internal.llama.llama_model_params;
import io.github.panamallama.internal.llama.llama_token_data;
import io.github.panamallama.internal.llama.llama_token_data_array;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test helper: llama.cpp's own GBNF parser and grammar sampler, over the vocab-only llama SPM
 * model from the llama.cpp tree. A document is fed as byte tokens ({@code <0xNN>}), one per
 * UTF-8 byte, so the grammar sees exactly the document's characters; it is accepted when every
 * byte is allowed and end-of-generation is allowed after the last one.
 */
final class LlamaGrammarCheck implements AutoCloseable {
    private static final Path VOCAB = Path.of(System.getProperty("panamallama.home", "."))
            .resolve("build/llama.cpp-v0.5.0/models/ggml-vocab-llama-spm.gguf");

    private final Arena arena = Arena.ofShared();
    private final MemorySegment model;
    private final MemorySegment vocab;
    private final int[] byteTokens = new int[256];

    LlamaGrammarCheck() {
        LlamaRuntime.get();
        if (!Files.isRegularFile(VOCAB)) {
            throw new IllegalStateException("missing " + VOCAB + ": run scripts/fetch-natives.sh");
        }
        MemorySegment params = llama_model_default_params(arena);
        llama_model_params.vocab_only(params, true);
        model = llama_model_load_from_file(arena.allocateFrom(VOCAB.toString()), params);
        if (model.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("llama.cpp could not load " + VOCAB);
        }
        vocab = llama_model_get_vocab(model);
        java.util.Arrays.fill(byteTokens, -1);
        int count = llama_vocab_n_tokens(vocab);
        for (int token = 0; token < count; token++) {
            String text = llama_vocab_get_text(vocab, token).reinterpret(64).getString(0);
            if (text.length() == 6 && text.startsWith("<0x") && text.endsWith(">")) {
                byteTokens[Integer.parseInt(text.substring(3, 5), 16)] = token;
            }
        }
        for (int b = 1; b < 256; b++) {
            if (byteTokens[b] < 0) {
                throw new IllegalStateException("vocab has no byte token for 0x" + Integer.toHexString(b));
            }
        }
    }

    /** Whether llama.cpp parses the grammar (with root rule {@code root}). */
    boolean parses(String grammar) {
        MemorySegment sampler = grammarSampler(grammar);
        if (sampler.equals(MemorySegment.NULL)) {
            return false;
        }
        llama_sampler_free(sampler);
        return true;
    }

    /**
     * Whether llama.cpp's grammar sampler lets the model produce exactly {@code document}.
     *
     * @throws AssertionError if the grammar does not parse
     */
    boolean accepts(String grammar, String document) {
        MemorySegment sampler = grammarSampler(grammar);
        if (sampler.equals(MemorySegment.NULL)) {
            throw new AssertionError("llama.cpp rejected the grammar:\n" + grammar);
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment candidate = llama_token_data.allocate(call);
            MemorySegment candidates = llama_token_data_array.allocate(call);
            for (byte b : document.getBytes(StandardCharsets.UTF_8)) {
                int token = byteTokens[b & 0xFF];
                if (!allowed(sampler, candidates, candidate, token)) {
                    return false;
                }
                llama_sampler_accept(sampler, token);
            }
            return allowed(sampler, candidates, candidate, llama_vocab_eos(vocab));
        } finally {
            llama_sampler_free(sampler);
        }
    }

    private static boolean allowed(MemorySegment sampler, MemorySegment candidates, MemorySegment candidate, int token) {
        llama_token_data.id(candidate, token);
        llama_token_data.logit(candidate, 0f);
        llama_token_data.p(candidate, 0f);
        llama_token_data_array.data(candidates, candidate);
        llama_token_data_array.size(candidates, 1);
        llama_token_data_array.selected(candidates, -1);
        llama_token_data_array.sorted(candidates, false);
        llama_sampler_apply(sampler, candidates);
        return llama_token_data.logit(candidate) != Float.NEGATIVE_INFINITY;
    }

    private MemorySegment grammarSampler(String grammar) {
        try (Arena call = Arena.ofConfined()) {
            return llama_sampler_init_grammar(vocab, call.allocateFrom(grammar), call.allocateFrom("root"));
        }
    }

    @Override
    public void close() {
        llama_model_free(model);
        arena.close();
    }
}
