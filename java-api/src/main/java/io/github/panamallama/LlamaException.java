package io.github.panamallama;

/** Base of every exception panama-llama throws for a native-side failure. */
public class LlamaException extends RuntimeException {
    public LlamaException(String message) {
        super(message);
    }

    public LlamaException(String message, Throwable cause) {
        super(message, cause);
    }
}
