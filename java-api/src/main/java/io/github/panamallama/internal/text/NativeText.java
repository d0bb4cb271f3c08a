package io.github.panamallama.internal.text;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** Reading strings out of llama.cpp's C string APIs. */
public final class NativeText {
    /** The most a snprintf-style API may ask for; a larger answer means a broken reply. */
    private static final int MAX_BYTES = 64 << 20;
    private static final int FIRST_TRY_BYTES = 256;
    private static final long MAX_C_STRING = 64L << 20;

    private NativeText() {}

    /** An snprintf-style call: writes into {@code buffer} and returns the full length it needed. */
    @FunctionalInterface
    public interface SizedWriter {
        int write(MemorySegment buffer, long capacity);
    }

    /**
     * Calls an snprintf-style API, retrying once with a buffer of the size it reported when the
     * first was too small.
     *
     * @return the text, or {@code null} when the API returned a negative value (not found)
     */
    public static String readSized(SizedWriter writer) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(FIRST_TRY_BYTES);
            int needed = writer.write(buffer, FIRST_TRY_BYTES);
            if (needed < 0) {
                return null;
            }
            if (needed >= FIRST_TRY_BYTES) {
                if (needed > MAX_BYTES) {
                    throw new IllegalStateException("llama.cpp reported a string of " + needed
                            + " bytes, more than the " + MAX_BYTES + " accepted");
                }
                buffer = arena.allocate(needed + 1L);
                needed = writer.write(buffer, needed + 1L);
                if (needed < 0) {
                    return null;
                }
            }
            return utf8(buffer, needed);
        }
    }

    /** {@code length} bytes at the start of {@code segment} as UTF-8 text. */
    public static String utf8(MemorySegment segment, int length) {
        byte[] bytes = new byte[length];
        MemorySegment.copy(segment, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes, 0, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A NUL-terminated C string owned by the library, copied; {@code null} for NULL. */
    public static String cString(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) {
            return null;
        }
        return pointer.reinterpret(MAX_C_STRING).getString(0, StandardCharsets.UTF_8);
    }
}
