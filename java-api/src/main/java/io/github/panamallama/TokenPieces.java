package io.github.panamallama;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reads the text bytes of generated tokens through one reused native buffer, so that a
 * generation loop allocates nothing per token to read a piece. Not thread-safe: one per loop.
 */
final class TokenPieces implements AutoCloseable {
    private static final int BUFFER_BYTES = 256;

    private final Vocabulary vocabulary;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer;
    private final byte[] reused = new byte[BUFFER_BYTES];
    private byte[] current = reused;

    TokenPieces(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
        try {
            this.buffer = arena.allocate(BUFFER_BYTES);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Reads a token's bytes into {@link #bytes()}; returns their count. */
    int read(int token) {
        int length = vocabulary.pieceInto(token, buffer, false);
        if (length < 0) {
            // A piece longer than the buffer: rare (long user-defined tokens); not the hot path.
            current = vocabulary.pieceBytes(token, false);
            return current.length;
        }
        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, reused, 0, length);
        current = reused;
        return length;
    }

    /** The bytes of the last {@link #read}; valid until the next. */
    byte[] bytes() {
        return current;
    }

    @Override
    public void close() {
        arena.close();
    }
}
