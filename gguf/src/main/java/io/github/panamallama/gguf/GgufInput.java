package io.github.panamallama.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * Sequential little-endian reads over a file with its size known: every read first checks that
 * the bytes exist, so a truncated or lying file fails with the field name and offset.
 */
final class GgufInput {
    /** llama.cpp refuses longer strings; so do we, before allocating. */
    static final long MAX_STRING_LENGTH = 1L << 30;

    private final FileChannel channel;
    private final long size;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long bufferStart;

    GgufInput(FileChannel channel) throws IOException {
        this.channel = channel;
        this.size = channel.size();
        buffer.limit(0);
    }

    long position() {
        return bufferStart + buffer.position();
    }

    long size() {
        return size;
    }

    long remaining() {
        return size - position();
    }

    /** Fails unless {@code count} more bytes exist. */
    void require(long count, String field) throws GgufFormatException {
        if (count < 0 || count > remaining()) {
            throw new GgufFormatException(field, position(), "needs " + Long.toUnsignedString(count)
                    + " bytes but the file has " + remaining() + " left (file size " + size + ")");
        }
    }

    /**
     * Fails unless {@code count} items of at least {@code minimumBytes} each can fit in the rest
     * of the file: bounds any allocation sized by an untrusted count.
     */
    void requireCount(long count, long minimumBytes, String field) throws GgufFormatException {
        if (count < 0 || count > remaining() / minimumBytes) {
            throw new GgufFormatException(field, position(), "count " + Long.toUnsignedString(count)
                    + " cannot fit in the " + remaining() + " bytes left in the file");
        }
    }

    private void fill(int count, String field) throws IOException {
        require(count, field);
        if (buffer.remaining() >= count) {
            return;
        }
        long position = position();
        buffer.compact();
        long readAt = position + buffer.position();
        while (buffer.position() < count) {
            int read = channel.read(buffer, readAt);
            if (read < 0) {
                throw new GgufFormatException(field, position, "unexpected end of file");
            }
            readAt += read;
        }
        buffer.flip();
        bufferStart = position;
    }

    int u8(String field) throws IOException {
        fill(1, field);
        return buffer.get() & 0xFF;
    }

    short i16(String field) throws IOException {
        fill(2, field);
        return buffer.getShort();
    }

    int i32(String field) throws IOException {
        fill(4, field);
        return buffer.getInt();
    }

    long i64(String field) throws IOException {
        fill(8, field);
        return buffer.getLong();
    }

    float f32(String field) throws IOException {
        fill(4, field);
        return buffer.getFloat();
    }

    double f64(String field) throws IOException {
        fill(8, field);
        return buffer.getDouble();
    }

    /** A u64 length followed by that many bytes of UTF-8 (invalid sequences are replaced). */
    String string(String field) throws IOException {
        return new String(stringBytes(field), StandardCharsets.UTF_8);
    }

    /** A u64 length followed by that many bytes, as they are. */
    byte[] stringBytes(String field) throws IOException {
        long start = position();
        long length = i64(field + " length");
        if (length < 0 || length > MAX_STRING_LENGTH) {
            throw new GgufFormatException(field, start, "string length " + Long.toUnsignedString(length)
                    + " exceeds the maximum " + MAX_STRING_LENGTH);
        }
        require(length, field);
        byte[] bytes = new byte[(int) length];
        int done = 0;
        while (done < bytes.length) {
            fill(Math.min(bytes.length - done, buffer.capacity()), field);
            int chunk = Math.min(bytes.length - done, buffer.remaining());
            buffer.get(bytes, done, chunk);
            done += chunk;
        }
        return bytes;
    }

    /** Skips forward to an absolute position. */
    void seek(long position, String field) throws GgufFormatException {
        if (position < position() || position > size) {
            throw new GgufFormatException(field, position(), "cannot move to offset " + position
                    + " (file size " + size + ")");
        }
        bufferStart = position;
        buffer.limit(0);
    }
}
