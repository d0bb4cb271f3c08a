package io.github.panamallama;

/**
 * llama_decode stopped because {@link LlamaContext#abort()} was called (its return code 2).
 * Ubatches processed before the abort stay in the context's memory.
 */
public final class DecodeAbortedException extends LlamaException {
    public DecodeAbortedException() {
        super("Decoding was aborted (LlamaContext.abort())");
    }
}
