// The plain llama.cpp generation loop (declared, with its figures, in generation_loop.h), with
// the context settings that differ between bindings as arguments: flash attention, batch sizes,
// context length, and a persistent CPU threadpool (what the Java API attaches) versus ggml's
// per-graph threads. InProcessComparison runs it beside the Java API with the API's settings;
// JniPeerComparison changes one setting at a time.
#include <string.h>
#include "generation_loop.h"
#include "ggml-backend.h"
#include "ggml-cpu.h"

typedef struct ggml_threadpool * (*threadpool_new_fn)(struct ggml_threadpool_params *);
typedef void (*threadpool_free_fn)(struct ggml_threadpool *);

int generation_loop(struct llama_model * model, const char * prompt, int n_predict, int threads, int polling,
                    int n_ctx, int n_batch, int n_ubatch, int flash_attn, int64_t * out,
                    llama_token * generated_tokens) {
    const struct llama_vocab * vocab = llama_model_get_vocab(model);
    struct llama_context_params params = llama_context_default_params();
    params.n_ctx = (uint32_t) n_ctx;
    params.n_batch = (uint32_t) n_batch;
    params.n_ubatch = (uint32_t) n_ubatch;
    params.n_threads = threads;
    params.n_threads_batch = threads;
    params.flash_attn_type = (enum llama_flash_attn_type) flash_attn;
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

    // Timed from here, as the Java sides time a request on a context that exists already.
    int64_t start = ggml_time_us();
    llama_token tokens[8192];
    int n_prompt = llama_tokenize(vocab, prompt, (int32_t) strlen(prompt), tokens, 8192, true, true);
    int result = n_prompt > 0 ? 0 : -1;
    int64_t prompt_start = ggml_time_us();
    // The prompt in batches of n_batch, as an application with a long prompt does.
    for (int i = 0; i < n_prompt && result == 0; i += n_batch) {
        int n = n_prompt - i < n_batch ? n_prompt - i : n_batch;
        if (llama_decode(ctx, llama_batch_get_one(tokens + i, n)) != 0) {
            result = -3;
        }
    }
    int64_t prompt_done = ggml_time_us();
    int generated = 0;
    char piece[256];
    int64_t first = 0;
    int64_t last = prompt_done;
    // Timed as the Java API times it: to the last sampled token, which is not decoded.
    while (result == 0) {
        llama_token next = llama_sampler_sample(sampler, ctx, -1);
        last = ggml_time_us();
        if (generated == 0) {
            first = last;
        }
        if (llama_vocab_is_eog(vocab, next)) {
            break;
        }
        generated_tokens[generated++] = next;
        llama_token_to_piece(vocab, next, piece, sizeof piece, 0, false);
        if (generated >= n_predict) {
            break;
        }
        if (llama_decode(ctx, llama_batch_get_one(&next, 1)) != 0) {
            result = -4;
        }
    }
    out[LOOP_PROMPT_TOKENS] = n_prompt;
    out[LOOP_GENERATED] = generated;
    out[LOOP_TO_FIRST_TOKEN_US] = first - start;
    out[LOOP_FIRST_TO_LAST_US] = last - first;
    out[LOOP_PROMPT_US] = prompt_done - prompt_start;
    out[LOOP_PROMPT_TO_LAST_US] = last - prompt_done;

    llama_sampler_free(sampler);
    llama_free(ctx);
    if (pool != NULL) {
        pool_free(pool);
    }
    return result;
}
