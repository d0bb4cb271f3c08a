package io.github.panamallama.gguf;

import java.io.IOException;

/**
 * A file that is not valid GGUF: names the field and the byte offset where reading failed.
 * It is an {@link IOException} because it is one: the bytes read from storage are unusable,
 * and callers reading a file already handle I/O failure in one place.
 */
public final class GgufFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final long offset;

    public GgufFormatException(String field, long offset, String problem) {
        super(field + " at byte offset " + offset + ": " + problem);
        this.field = field;
        this.offset = offset;
    }

    /** What was being read, e.g. {@code tensor count} or {@code key 3 'general.name' value}. */
    public String field() {
        return field;
    }

    /** Byte offset in the file where the bad field starts. */
    public long offset() {
        return offset;
    }
}
