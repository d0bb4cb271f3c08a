package io.github.panamallama.convert.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.convert.SourceType;
import io.github.panamallama.convert.TensorSource;
import io.github.panamallama.fixture.SafetensorsWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsCheckpointTest {
    @TempDir
    Path dir;

    private static byte[] bytes(int length, int seed) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (seed * 31 + i);
        }
        return data;
    }

    private static SafetensorsWriter three() {
        return new SafetensorsWriter()
                .add("a.weight", "F32", new long[] {2, 3}, bytes(24, 1))
                .add("b.weight", "BF16", new long[] {5}, bytes(10, 2))
                .add("c.weight", "F16", new long[] {1, 2, 2}, bytes(8, 3));
    }

    @Test
    void readsSingleFile() throws IOException {
        Path file = dir.resolve("model.safetensors");
        three().write(file);
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(dir)) {
            List<TensorSource> tensors = checkpoint.tensors();
            assertEquals(List.of("a.weight", "b.weight", "c.weight"), tensors.stream().map(TensorSource::name).toList());
            assertEquals(SourceType.BF16, tensors.get(1).type());
            assertArrayEquals(new long[] {1, 2, 2}, tensors.get(2).shape());
            assertArrayEquals(bytes(24, 1), read(tensors.get(0)));
            assertArrayEquals(bytes(10, 2), read(tensors.get(1)));
            assertArrayEquals(bytes(8, 3), read(tensors.get(2)));
        }
    }

    @Test
    void readsShardsThroughTheIndex() throws IOException {
        SafetensorsWriter first = new SafetensorsWriter().add("x", "F32", new long[] {2}, bytes(8, 4));
        SafetensorsWriter second = new SafetensorsWriter().add("y", "F16", new long[] {3}, bytes(6, 5))
                .add("z", "F16", new long[] {1}, bytes(2, 6));
        first.write(dir.resolve("model-00001-of-00002.safetensors"));
        second.write(dir.resolve("model-00002-of-00002.safetensors"));
        Map<String, String> map = new LinkedHashMap<>();
        map.put("x", "model-00001-of-00002.safetensors");
        map.put("y", "model-00002-of-00002.safetensors");
        map.put("z", "model-00002-of-00002.safetensors");
        SafetensorsWriter.writeIndex(dir.resolve(SafetensorsCheckpoint.INDEX_FILE), map);
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(dir)) {
            assertEquals(List.of("x", "y", "z"), checkpoint.tensors().stream().map(TensorSource::name).toList());
            assertArrayEquals(bytes(6, 5), read(checkpoint.tensors().get(1)));
        }
        map.put("w", "model-00002-of-00002.safetensors");
        SafetensorsWriter.writeIndex(dir.resolve(SafetensorsCheckpoint.INDEX_FILE), map);
        assertMessage(dir, "absent from the shards: [w]");
        SafetensorsWriter.writeIndex(dir.resolve(SafetensorsCheckpoint.INDEX_FILE), Map.of("x", "../evil.safetensors"));
        assertMessage(dir, "outside the checkpoint directory");
    }

    @Test
    void rejectsInconsistentHeaders() throws IOException {
        SafetensorsWriter writer = three();
        String header = writer.header();
        assertHeader(writer, header.replace("\"F32\"", "\"I64\""), "unsupported dtype 'I64'");
        assertHeader(writer, header.replace("[0,24]", "[0,20]"), "span 20 bytes but shape [2, 3] of F32 needs 24");
        assertHeader(writer, header.replace("[24,34]", "[20,30]"), "overlaps a.weight");
        assertHeader(writer, header.replace("[34,42]", "[34,4200]"), "outside the 42 data bytes");
        assertHeader(writer, header.replace("[2,3]", "[2,-3]"), "shape[1] is not a non-negative integer");
        assertHeader(writer, header.replace("[2,3]", "[4611686018427387904,4]"), "size overflows");
        assertHeader(writer, header.substring(0, header.length() - 1), "not valid JSON");
        assertHeader(writer, "[1,2]", "not a JSON object");
    }

    @Test
    void rejectsImpossibleHeaderLengths() throws IOException {
        Path file = dir.resolve("bad.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        assertMessage(file, "too short");
        byte[] absurd = new byte[64];
        ByteBuffer.wrap(absurd).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE);
        Files.write(file, absurd);
        assertMessage(file, "header length 9223372036854775807 at offset 0 is impossible");
        ByteBuffer.wrap(absurd).order(ByteOrder.LITTLE_ENDIAN).putLong(-8);
        Files.write(file, absurd);
        assertMessage(file, "is impossible");
        assertMessage(dir.resolve("empty"), "");
    }

    private void assertHeader(SafetensorsWriter writer, String header, String expected) throws IOException {
        Path file = dir.resolve("corrupt.safetensors");
        writer.write(file, header);
        assertMessage(file, expected);
    }

    private static void assertMessage(Path path, String expected) {
        IOException e = assertThrows(IOException.class, () -> SafetensorsCheckpoint.open(path).close());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static byte[] read(TensorSource tensor) throws IOException {
        try (InputStream in = Channels.newInputStream(tensor.open())) {
            return in.readAllBytes();
        }
    }
}
