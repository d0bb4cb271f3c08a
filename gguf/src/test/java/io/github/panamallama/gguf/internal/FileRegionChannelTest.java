package io.github.panamallama.gguf.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRegionChannelTest {
    @TempDir
    Path dir;

    @Test
    void readsOnlyItsWindowAndFailsOnATruncatedFile() throws IOException {
        Path file = dir.resolve("f");
        Files.write(file, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        try (FileChannel channel = FileChannel.open(file)) {
            FileRegionChannel region = new FileRegionChannel(channel, 3, 4);
            ByteBuffer buffer = ByteBuffer.allocate(10);
            assertEquals(4, region.read(buffer));
            assertEquals(-1, region.read(buffer));
            assertArrayEquals(new byte[] {3, 4, 5, 6}, java.util.Arrays.copyOf(buffer.array(), 4));
            assertEquals(10, buffer.limit(), "the caller's limit is restored");
            region.close();
            assertThrows(ClosedChannelException.class, () -> region.read(ByteBuffer.allocate(1)));
            assertEquals(true, channel.isOpen(), "closing a region keeps the file open");

            FileRegionChannel beyond = new FileRegionChannel(channel, 8, 5);
            ByteBuffer rest = ByteBuffer.allocate(5);
            assertEquals(2, beyond.read(rest));
            assertThrows(IOException.class, () -> beyond.read(rest));
            assertThrows(IllegalArgumentException.class, () -> new FileRegionChannel(channel, -1, 1));
            assertThrows(IllegalArgumentException.class, () -> new FileRegionChannel(channel, Long.MAX_VALUE, 1));
        }
    }
}
