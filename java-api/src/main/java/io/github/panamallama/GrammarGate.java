package io.github.panamallama;

import static io.github.panamallama.internal.llama.llama_h.*;

import io.github.panamallama.internal.llama.llama_token_data;
import io.github.panamallama.internal.llama.llama_token_data_array;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Asks a grammar sampler whether it allows a token now, without changing its state. llama.cpp's
 * grammar throws a C++ exception when it is made to accept a token it does not allow (and
 * aborts on an end-of-generation token before the grammar is complete); through the C API that
 * ends the process, so every token a caller hands a grammar is asked about first.
 */
final class GrammarGate {
    private GrammarGate() {}

    /** Whether {@code grammar} (one grammar stage, not a chain) allows {@code token} next. */
    static boolean allows(MemorySegment grammar, int token) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment candidate = llama_token_data.allocate(call);
            llama_token_data.id(candidate, token);
            llama_token_data.logit(candidate, 0f);
            llama_token_data.p(candidate, 0f);
            MemorySegment candidates = llama_token_data_array.allocate(call);
            llama_token_data_array.data(candidates, candidate);
            llama_token_data_array.size(candidates, 1);
            llama_token_data_array.selected(candidates, -1);
            llama_token_data_array.sorted(candidates, false);
            // A grammar's apply only masks (logit -infinity) what it does not allow.
            llama_sampler_apply(grammar, candidates);
            return llama_token_data.logit(candidate) != Float.NEGATIVE_INFINITY;
        }
    }
}
