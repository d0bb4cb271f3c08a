// The plain-C reference the Java API is checked against: loads a model, decodes a prompt and
// generates with either greedy sampling or a fixed seeded chain, calling llama.cpp the way its
// own examples do. Prints the generated token ids.
//
// usage: reference_generate MODEL BACKEND_DIR N_PREDICT SAMPLER THREADS PROMPT
//   SAMPLER: "greedy", or "chain:SEED" = top-k 40, top-p 0.9, min-p 0.05, temperature 0.8, dist(SEED)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "llama.h"
#include "ggml-backend.h"

static void quiet_log(enum ggml_log_level level, const char * text, void * user_data) {
    (void) user_data;
    if (level == GGML_LOG_LEVEL_ERROR) {
        fputs(text, stderr);
    }
}

static struct llama_sampler * make_sampler(const char * spec) {
    struct llama_sampler * chain = llama_sampler_chain_init(llama_sampler_chain_default_params());
    if (strcmp(spec, "greedy") == 0) {
        llama_sampler_chain_add(chain, llama_sampler_init_greedy());
    } else if (strncmp(spec, "chain:", 6) == 0) {
        uint32_t seed = (uint32_t) strtoul(spec + 6, NULL, 10);
        llama_sampler_chain_add(chain, llama_sampler_init_top_k(40));
        llama_sampler_chain_add(chain, llama_sampler_init_top_p(0.9f, 1));
        llama_sampler_chain_add(chain, llama_sampler_init_min_p(0.05f, 1));
        llama_sampler_chain_add(chain, llama_sampler_init_temp(0.8f));
        llama_sampler_chain_add(chain, llama_sampler_init_dist(seed));
    } else {
        fprintf(stderr, "unknown sampler %s\n", spec);
        exit(2);
    }
    return chain;
}

int main(int argc, char ** argv) {
    if (argc < 7) {
        fprintf(stderr, "usage: %s MODEL BACKEND_DIR N_PREDICT SAMPLER THREADS PROMPT\n", argv[0]);
        return 2;
    }
    const char * model_path = argv[1];
    int n_predict = atoi(argv[3]);
    int threads = atoi(argv[5]);
    const char * prompt = argv[6];

    llama_log_set(quiet_log, NULL);
    ggml_backend_load_all_from_path(argv[2]);
    llama_backend_init();

    struct llama_model_params model_params = llama_model_default_params();
    model_params.n_gpu_layers = 0;
    struct llama_model * model = llama_model_load_from_file(model_path, model_params);
    if (model == NULL) {
        fprintf(stderr, "cannot load %s\n", model_path);
        return 1;
    }
    const struct llama_vocab * vocab = llama_model_get_vocab(model);

    int n_prompt = -llama_tokenize(vocab, prompt, (int32_t) strlen(prompt), NULL, 0, true, true);
    llama_token * tokens = malloc(sizeof(llama_token) * (size_t) n_prompt);
    if (llama_tokenize(vocab, prompt, (int32_t) strlen(prompt), tokens, n_prompt, true, true) != n_prompt) {
        fprintf(stderr, "tokenize failed\n");
        return 1;
    }

    struct llama_context_params ctx_params = llama_context_default_params();
    ctx_params.n_ctx = (uint32_t) (n_prompt + n_predict);
    ctx_params.n_batch = (uint32_t) n_prompt;
    ctx_params.n_threads = threads;
    ctx_params.n_threads_batch = threads;
    ctx_params.no_perf = false;
    struct llama_context * ctx = llama_init_from_model(model, ctx_params);
    if (ctx == NULL) {
        fprintf(stderr, "cannot create context\n");
        return 1;
    }
    struct llama_sampler * sampler = make_sampler(argv[4]);

    if (llama_decode(ctx, llama_batch_get_one(tokens, n_prompt)) != 0) {
        fprintf(stderr, "prompt decode failed\n");
        return 1;
    }

    printf("tokens:");
    int generated = 0;
    for (; generated < n_predict; generated++) {
        llama_token next = llama_sampler_sample(sampler, ctx, -1);
        printf(" %d", next);
        if (llama_vocab_is_eog(vocab, next)) {
            generated++;
            break;
        }
        if (llama_decode(ctx, llama_batch_get_one(&next, 1)) != 0) {
            fprintf(stderr, "decode failed\n");
            return 1;
        }
    }
    printf("\n");

    llama_sampler_free(sampler);
    llama_free(ctx);
    llama_model_free(model);
    free(tokens);
    llama_backend_free();
    return 0;
}
