package io.github.panamallama.examples;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns token bytes into text without splitting a character: a byte-fallback token carries one
 * byte of a multi-byte character, so an incomplete tail is held until the rest arrives.
 */
final class Utf8Pieces {
    private byte[] pending = new byte[0];

    /** The text that the bytes so far complete (possibly empty). */
    String append(byte[] bytes) {
        byte[] all = Arrays.copyOf(pending, pending.length + bytes.length);
        System.arraycopy(bytes, 0, all, pending.length, bytes.length);
        int complete = completeLength(all);
        pending = Arrays.copyOfRange(all, complete, all.length);
        return new String(all, 0, complete, StandardCharsets.UTF_8);
    }

    /** Whatever is still held (malformed bytes become U+FFFD). */
    String flush() {
        String rest = new String(pending, StandardCharsets.UTF_8);
        pending = new byte[0];
        return rest;
    }

    /** Length of the prefix that does not end inside a multi-byte sequence. */
    private static int completeLength(byte[] bytes) {
        // Look back at most 3 bytes for the start of the last sequence.
        for (int back = 1; back <= Math.min(3, bytes.length); back++) {
            int b = bytes[bytes.length - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for its lead byte
            }
            int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return needed > back ? bytes.length - back : bytes.length;
        }
        return bytes.length;
    }
}
