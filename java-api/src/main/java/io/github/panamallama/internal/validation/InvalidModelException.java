package io.github.panamallama.internal.validation;

/**
 * A metadata value llama.cpp v0.5.0 would not survive: it asserts (aborting the process) where
 * Java throws this. {@code LlamaModel} turns it into a {@code ModelLoadException}.
 */
public final class InvalidModelException extends RuntimeException {
    private final String key;

    InvalidModelException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The metadata key (or tensor name) at fault. */
    public String key() {
        return key;
    }
}
