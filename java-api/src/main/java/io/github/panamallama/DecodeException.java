package io.github.panamallama;

/**
 * llama_decode failed. {@link #code()} is llama.cpp's return value: -1 means the batch was
 * invalid (the memory is unchanged); below -1 is a fatal error (-2 allocation failed, -3
 * computation failed), after which ubatches already processed stay in the memory.
 */
public class DecodeException extends LlamaException {
    private final int code;

    public DecodeException(int code, String message) {
        super(message + " (llama_decode returned " + code + ")");
        this.code = code;
    }

    /** llama.cpp's return code. */
    public int code() {
        return code;
    }

    /** Whether llama.cpp rejected the batch as invalid (code -1) rather than failing. */
    public boolean invalidBatch() {
        return code == -1;
    }
}
