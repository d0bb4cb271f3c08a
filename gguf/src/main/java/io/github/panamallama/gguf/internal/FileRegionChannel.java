package io.github.panamallama.gguf.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;

/**
 * A read-only window {@code [start, start + length)} of a file. It reads with positional reads,
 * so any number of windows can share one {@link FileChannel}; closing a window leaves the file
 * open.
 */
public final class FileRegionChannel implements ReadableByteChannel {
    private final FileChannel channel;
    private final long end;
    private long position;
    private boolean open = true;

    public FileRegionChannel(FileChannel channel, long start, long length) {
        if (start < 0 || length < 0 || start > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("bad region: start " + start + ", length " + length);
        }
        this.channel = channel;
        this.position = start;
        this.end = start + length;
    }

    @Override
    public int read(ByteBuffer target) throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
        if (position >= end) {
            return -1;
        }
        int limit = target.limit();
        target.limit(target.position() + (int) Math.min(target.remaining(), end - position));
        try {
            int read = channel.read(target, position);
            if (read < 0) {
                throw new IOException("file ended at offset " + position + ", inside a region that ends at " + end);
            }
            position += read;
            return read;
        } finally {
            target.limit(limit);
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
