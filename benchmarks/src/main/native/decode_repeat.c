// The C side of DecodeBenchmark: the same two llama.cpp calls per iteration that the Java side
// makes (decode a one-token batch, then remove that token from the memory so the next decode
// sees the same state), repeated in C, so one downcall covers many iterations and the figure per
// iteration carries no Java and no FFM transition.
#include <stdint.h>
#include "llama.h"

// Returns 0, or the first non-zero llama_decode status.
int32_t decode_repeat(struct llama_context * ctx, const struct llama_batch * batch, int32_t position, int32_t count) {
    llama_memory_t memory = llama_get_memory(ctx);
    for (int32_t i = 0; i < count; i++) {
        int32_t status = llama_decode(ctx, *batch);
        if (status != 0) {
            return status;
        }
        llama_memory_seq_rm(memory, 0, position, -1);
    }
    return 0;
}
