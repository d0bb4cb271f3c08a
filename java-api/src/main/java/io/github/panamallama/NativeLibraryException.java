package io.github.panamallama;

import java.util.List;

/**
 * No usable llama.cpp library was found. The message lists every place the loader tried, in
 * the order it tried them ({@link LibrarySource}), what it found there, and what the user can do;
 * {@link #attempts()} has the same as data.
 */
public final class NativeLibraryException extends LlamaException {
    private final List<String> attempts;

    public NativeLibraryException(String message, List<String> attempts) {
        super(message);
        this.attempts = List.copyOf(attempts);
    }

    /** One line per location tried, in the order tried: where, and why it was not used. */
    public List<String> attempts() {
        return attempts;
    }
}
