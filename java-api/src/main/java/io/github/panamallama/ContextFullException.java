package io.github.panamallama;

/**
 * llama_decode found no room in the context's memory (KV cache) for the batch (its return code
 * 1). The memory is as it was before the call: remove tokens, use a smaller batch, or a larger
 * context.
 */
public final class ContextFullException extends LlamaException {
    private final int batchTokens;
    private final int contextLength;

    public ContextFullException(int batchTokens, int contextLength) {
        super("No room in the context's memory for a batch of " + batchTokens
                + " tokens (context length " + contextLength + ")");
        this.batchTokens = batchTokens;
        this.contextLength = contextLength;
    }

    public int batchTokens() {
        return batchTokens;
    }

    public int contextLength() {
        return contextLength;
    }
}
