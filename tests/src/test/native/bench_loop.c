// The C half of the in-process benchmark: the plain llama.cpp generation loop, built as a shared
// library and called through FFM on the model the Java side loaded, so both halves share one
// process, one library, one set of weights (no second load, no cold pages) and the same context
// settings, including the persistent CPU threadpool the Java API attaches to every context.
#include <stdint.h>
#include <string.h>
#include "llama.h"
#include "ggml-backend.h"
#include "ggml-cpu.h"

typedef struct ggml_threadpool * (*threadpool_new_fn)(struct ggml_threadpool_params *);
typedef void (*threadpool_free_fn)(struct ggml_threadpool *);

// Greedy generation of n_predict tokens after prompt (special tokens parsed, BOS added), each
// token also turned into text as an application would. out: prompt tokens, prompt microseconds,
// generated tokens, generation microseconds. polling < 0: no pool (ggml's per-graph threads).
// Returns 0, or a negative step number on failure.
int bench_generate(struct llama_model * model, const char * prompt, int n_predict, int threads,
                   int polling, int64_t * out) {
    const struct llama_vocab * vocab = llama_model_get_vocab(model);
    int n_prompt = -llama_tokenize(vocab, prompt, (int32_t) strlen(prompt), NULL, 0, true, true);
    llama_token tokens[8192];
    if (n_prompt <= 0 || n_prompt > 8192 ||
        llama_tokenize(vocab, prompt, (int32_t) strlen(prompt), tokens, n_prompt, true, true) != n_prompt) {
        return -1;
    }
    struct llama_context_params params = llama_context_default_params();
    params.n_ctx = (uint32_t) (n_prompt + n_predict);
    params.n_batch = (uint32_t) n_prompt;
    params.n_ubatch = params.n_batch < 512 ? params.n_batch : 512;
    params.n_threads = threads;
    params.n_threads_batch = threads;
    params.no_perf = false;
    struct llama_context * ctx = llama_init_from_model(model, params);
    if (ctx == NULL) {
        return -2;
    }
    struct ggml_threadpool * pool = NULL;
    threadpool_free_fn pool_free = NULL;
    if (polling >= 0) {
        ggml_backend_reg_t cpu = ggml_backend_reg_by_name("CPU");
        threadpool_new_fn pool_new = (threadpool_new_fn) ggml_backend_reg_get_proc_address(cpu, "ggml_threadpool_new");
        pool_free = (threadpool_free_fn) ggml_backend_reg_get_proc_address(cpu, "ggml_threadpool_free");
        struct ggml_threadpool_params pool_params;
        ggml_threadpool_params_init(&pool_params, threads);
        pool_params.poll = (uint32_t) polling;
        pool = pool_new(&pool_params);
        llama_attach_threadpool(ctx, pool, pool);
    }
    struct llama_sampler * sampler = llama_sampler_chain_init(llama_sampler_chain_default_params());
    llama_sampler_chain_add(sampler, llama_sampler_init_greedy());

    int result = 0;
    int64_t start = ggml_time_us();
    if (llama_decode(ctx, llama_batch_get_one(tokens, n_prompt)) != 0) {
        result = -3;
    }
    int64_t prompt_done = ggml_time_us();
    int generated = 0;
    char piece[256];
    int64_t end = prompt_done;
    // Timed as the Java API times it: to the last sampled token, which is not decoded.
    while (result == 0) {
        llama_token next = llama_sampler_sample(sampler, ctx, -1);
        end = ggml_time_us();
        if (llama_vocab_is_eog(vocab, next)) {
            break;
        }
        generated++;
        llama_token_to_piece(vocab, next, piece, sizeof piece, 0, false);
        if (generated >= n_predict) {
            break;
        }
        if (llama_decode(ctx, llama_batch_get_one(&next, 1)) != 0) {
            result = -4;
        }
    }
    out[0] = n_prompt;
    out[1] = prompt_done - start;
    out[2] = generated;
    out[3] = end - prompt_done;

    llama_sampler_free(sampler);
    llama_free(ctx);
    if (pool != NULL) {
        pool_free(pool);
    }
    return result;
}
