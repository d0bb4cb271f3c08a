package io.github.panamallama.internal.generation;

import java.nio.charset.StandardCharsets;

/**
 * Turns a stream of byte pieces into text without splitting a character: byte-fallback tokens
 * deliver a multi-byte UTF-8 character one byte at a time, so an incomplete sequence at the end
 * of a piece is held back until the rest arrives. Not thread-safe.
 */
public final class Utf8Assembler {
    private byte[] buffer = new byte[64];
    private int length;

    /** Appends bytes; returns the text completed by them (may be empty). */
    public String append(byte[] bytes, int offset, int count) {
        ensure(length + count);
        System.arraycopy(bytes, offset, buffer, length, count);
        length += count;
        int complete = completePrefix();
        if (complete == 0) {
            return "";
        }
        String text = new String(buffer, 0, complete, StandardCharsets.UTF_8);
        System.arraycopy(buffer, complete, buffer, 0, length - complete);
        length -= complete;
        return text;
    }

    /** The held-back bytes (an incomplete character at the end of output), as replacement text. */
    public String flush() {
        String text = new String(buffer, 0, length, StandardCharsets.UTF_8);
        length = 0;
        return text;
    }

    /** Bytes currently held back. */
    public int pending() {
        return length;
    }

    /** Length of the longest prefix that does not end inside a multi-byte sequence. */
    private int completePrefix() {
        // Look back at most 3 bytes for the lead byte of the last sequence.
        for (int back = 1; back <= Math.min(4, length); back++) {
            int b = buffer[length - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for the lead
            }
            int needed = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
            return back < needed ? length - back : length;
        }
        return length; // only continuation bytes: invalid, let the decoder replace them
    }

    private void ensure(int capacity) {
        if (capacity > buffer.length) {
            buffer = java.util.Arrays.copyOf(buffer, Math.max(capacity, buffer.length * 2));
        }
    }
}
