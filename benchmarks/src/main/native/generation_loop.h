// The plain llama.cpp generation loop every generation benchmark compares the Java API with:
// called through FFM on the model the Java API loaded (CGenerationLoop), and as a program of
// its own (generation_program.c, CGenerationProcess).
#ifndef PANAMA_LLAMA_GENERATION_LOOP_H
#define PANAMA_LLAMA_GENERATION_LOOP_H

#include <stdint.h>
#include "llama.h"

// What generation_loop writes to out, in microseconds where it is a time.
enum generation_loop_figure {
    LOOP_PROMPT_TOKENS,       // prompt tokens, BOS included
    LOOP_GENERATED,           // tokens generated
    LOOP_TO_FIRST_TOKEN_US,   // from the start (tokenizing included) to the first sampled token
    LOOP_FIRST_TO_LAST_US,    // from the first to the last sampled token
    LOOP_PROMPT_US,           // decoding the prompt, tokenizing not included
    LOOP_PROMPT_TO_LAST_US,   // from the prompt's end to the last sampled token (the API's generation time)
    LOOP_FIGURES
};

// Greedy generation of n_predict tokens after prompt (special tokens parsed, BOS added); each
// token also turned into text as an application would. flash_attn: -1 auto, 0 off, 1 on.
// polling < 0: no pool (ggml's per-graph threads). out: LOOP_FIGURES values.
// generated_tokens (room for n_predict): the tokens generated.
// Returns 0, or a negative step number on failure.
int generation_loop(struct llama_model * model, const char * prompt, int n_predict, int threads, int polling,
                    int n_ctx, int n_batch, int n_ubatch, int flash_attn, int64_t * out,
                    llama_token * generated_tokens);

#endif
