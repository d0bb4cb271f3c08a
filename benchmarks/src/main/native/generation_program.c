// generation_loop as a program of its own: loads the model (as every separate llama.cpp process
// does: load, repack, cold pages), runs the loop once, prints its figures. InProcessComparison
// runs it before each round, as another llama.cpp process beside ours on the same model.
//
// usage: generation_program MODEL BACKEND_DIR N_PREDICT THREADS POLLING PROMPT
//   POLLING < 0: ggml's per-graph threads, as a program that attaches no threadpool has.
// Prints "figure: value" lines: prompt_tokens, generated, to_first_token_us, first_to_last_us,
// prompt_us, prompt_to_last_us (see generation_loop.h).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "generation_loop.h"
#include "ggml-backend.h"

static void errors_only(enum ggml_log_level level, const char * text, void * user_data) {
    (void) user_data;
    if (level == GGML_LOG_LEVEL_ERROR) {
        fputs(text, stderr);
    }
}

int main(int argc, char ** argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: %s MODEL BACKEND_DIR N_PREDICT THREADS POLLING PROMPT\n", argv[0]);
        return 2;
    }
    llama_log_set(errors_only, NULL);
    // CPU only, as the in-process sides run: no layer offloaded, whatever the directory holds.
    ggml_backend_load_all_from_path(argv[2]);
    llama_backend_init();
    struct llama_model_params model_params = llama_model_default_params();
    model_params.n_gpu_layers = 0;
    struct llama_model * model = llama_model_load_from_file(argv[1], model_params);
    if (model == NULL) {
        fprintf(stderr, "cannot load %s\n", argv[1]);
        return 1;
    }
    const char * prompt = argv[6];
    int n_predict = atoi(argv[3]);
    // The settings InProcessComparison gives both in-process sides: the prompt in one batch.
    int n_prompt = -llama_tokenize(llama_model_get_vocab(model), prompt, (int32_t) strlen(prompt), NULL, 0, true, true);
    llama_token * generated = malloc(sizeof(llama_token) * (size_t) (n_predict > 0 ? n_predict : 1));
    int64_t out[LOOP_FIGURES];
    int result = n_prompt <= 0 ? -1 : generation_loop(model, prompt, n_predict, atoi(argv[4]), atoi(argv[5]),
                                                     n_prompt + n_predict, n_prompt, n_prompt < 512 ? n_prompt : 512, -1,
                                                     out, generated);
    if (result != 0) {
        fprintf(stderr, "generation_loop failed at step %d\n", result);
    } else {
        static const char * names[LOOP_FIGURES] = {"prompt_tokens", "generated", "to_first_token_us",
                                                   "first_to_last_us", "prompt_us", "prompt_to_last_us"};
        for (int i = 0; i < LOOP_FIGURES; i++) {
            printf("%s: %lld\n", names[i], (long long) out[i]);
        }
    }
    free(generated);
    llama_model_free(model);
    llama_backend_free();
    return result == 0 ? 0 : 1;
}
