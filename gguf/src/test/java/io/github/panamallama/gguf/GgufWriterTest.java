package io.github.panamallama.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufWriterTest {
    @TempDir
    Path dir;

    private static Map<String, GgufValue> everyValueType() {
        Map<String, GgufValue> values = new LinkedHashMap<>();
        values.put("u8", new GgufValue.UInt8(255));
        values.put("i8", new GgufValue.Int8((byte) -128));
        values.put("u16", new GgufValue.UInt16(65535));
        values.put("i16", new GgufValue.Int16((short) -32768));
        values.put("u32", new GgufValue.UInt32(0xFFFF_FFFFL));
        values.put("i32", new GgufValue.Int32(Integer.MIN_VALUE));
        values.put("u64", new GgufValue.UInt64(-1L));
        values.put("i64", new GgufValue.Int64(Long.MIN_VALUE));
        values.put("f32", new GgufValue.Float32(-1.5e-7f));
        values.put("f32.nan", new GgufValue.Float32(Float.intBitsToFloat(0x7fc00001)));
        values.put("f64", new GgufValue.Float64(Math.PI));
        values.put("bool.true", new GgufValue.Bool(true));
        values.put("bool.false", new GgufValue.Bool(false));
        values.put("str", new GgufValue.Str("héllo ▁wörld 🦙"));
        values.put("str.empty", new GgufValue.Str(""));
        values.put("str.long", new GgufValue.Str("ß".repeat(100_000))); // longer than the read buffer
        values.put("arr.u8", new GgufValue.Array(GgufValueType.UINT8, List.of(new GgufValue.UInt8(0), new GgufValue.UInt8(200))));
        values.put("arr.i8", new GgufValue.Array(GgufValueType.INT8, List.of(new GgufValue.Int8((byte) -1))));
        values.put("arr.u16", new GgufValue.Array(GgufValueType.UINT16, List.of(new GgufValue.UInt16(40000))));
        values.put("arr.i16", new GgufValue.Array(GgufValueType.INT16, List.of(new GgufValue.Int16((short) -2))));
        values.put("arr.u32", new GgufValue.Array(GgufValueType.UINT32, List.of(new GgufValue.UInt32(3_000_000_000L))));
        values.put("arr.i32", GgufValue.int32s(new int[] {1, -2, 3}));
        values.put("arr.u64", new GgufValue.Array(GgufValueType.UINT64, List.of(new GgufValue.UInt64(Long.MIN_VALUE))));
        values.put("arr.i64", new GgufValue.Array(GgufValueType.INT64, List.of(new GgufValue.Int64(-5))));
        values.put("arr.f32", GgufValue.float32s(new float[] {0.5f, -0.0f, Float.NEGATIVE_INFINITY}));
        values.put("arr.f64", new GgufValue.Array(GgufValueType.FLOAT64, List.of(new GgufValue.Float64(1e300))));
        values.put("arr.bool", new GgufValue.Array(GgufValueType.BOOL, List.of(new GgufValue.Bool(true), new GgufValue.Bool(false))));
        values.put("arr.str", GgufValue.strings(List.of("<s>", "", "▁the")));
        values.put("arr.empty", new GgufValue.Array(GgufValueType.FLOAT32, List.of()));
        return values;
    }

    @Test
    void everyValueTypeRoundTrips() throws IOException {
        Map<String, GgufValue> values = everyValueType();
        GgufWriter.Builder builder = GgufWriter.builder();
        values.forEach(builder::put);
        Path file = dir.resolve("values.gguf");
        builder.create(file).close();

        try (GgufFile gguf = GgufFile.open(file)) {
            assertEquals(3, gguf.version());
            assertEquals(List.copyOf(values.keySet()), List.copyOf(gguf.metadata().keySet()));
            assertEquals(values, gguf.metadata());
            assertEquals(0x7fc00001, Float.floatToRawIntBits(((GgufValue.Float32) gguf.get("f32.nan").orElseThrow()).value()));
            assertEquals("18446744073709551615", Long.toUnsignedString(gguf.get("u64").orElseThrow().asLong()));
            assertEquals(List.of(), gguf.tensors());
            assertEquals(32, gguf.alignment());
        }
    }

    @Test
    void tensorsAreAlignedAndReadBack() throws IOException {
        Path file = dir.resolve("tensors.gguf");
        GgufTestFiles.small(file);
        assertEquals(352, Files.size(file), "header ends at 228, padded to 256; data 24+pad, 18+pad, 10+pad");
        try (GgufFile gguf = GgufFile.open(file)) {
            assertEquals(256, gguf.dataOffset());
            assertEquals(List.of(
                    new GgufTensorInfo("a", new long[] {3, 2}, GgmlType.F32, 0),
                    new GgufTensorInfo("b", new long[] {32}, GgmlType.Q4_0, 32),
                    new GgufTensorInfo("c", new long[] {5}, GgmlType.F16, 64)), gguf.tensors());
            for (GgufTensorInfo info : gguf.tensors()) {
                assertArrayEquals(GgufTestFiles.pattern((int) info.byteSize(), info.name().charAt(0)),
                        readAll(gguf.openTensorData(info.name())), info.name());
            }
        }
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 256 + 24; i < 256 + 32; i++) {
            assertEquals(0, bytes[i], "padding byte " + i);
        }
    }

    @Test
    void honoursCustomAlignment() throws IOException {
        Path file = dir.resolve("aligned.gguf");
        GgufWriter.Builder builder = GgufWriter.builder()
                .put(GgufFile.ALIGNMENT_KEY, GgufValue.uint32(128))
                .tensor("x", GgmlType.I8, 3)
                .tensor("y", GgmlType.I8, 1);
        try (GgufWriter writer = builder.create(file)) {
            try (WritableByteChannel out = writer.nextTensor()) {
                out.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            }
            try (WritableByteChannel out = writer.nextTensor()) {
                out.write(ByteBuffer.allocateDirect(1).put(0, (byte) 9));
            }
        }
        try (GgufFile gguf = GgufFile.open(file)) {
            assertEquals(128, gguf.alignment());
            assertEquals(0, gguf.dataOffset() % 128);
            assertEquals(128, gguf.tensor("y").orElseThrow().offset());
            assertArrayEquals(new byte[] {9}, readAll(gguf.openTensorData("y")));
        }
        assertEquals(0, Files.size(file) % 128);
    }

    @Test
    void refusesWrongTensorSizesAndOrder() throws IOException {
        GgufWriter.Builder builder = GgufWriter.builder().tensor("x", GgmlType.F32, 2).tensor("y", GgmlType.F32, 1);
        GgufWriter writer = builder.create(dir.resolve("bad.gguf"));
        WritableByteChannel x = writer.nextTensor();
        assertThrows(IllegalStateException.class, writer::nextTensor, "x still open");
        IOException tooMuch = assertThrows(IOException.class, () -> x.write(ByteBuffer.allocate(12)));
        assertTrue(tooMuch.getMessage().contains("takes 8 bytes"), tooMuch.getMessage());
        x.write(ByteBuffer.allocate(4));
        assertThrows(IOException.class, x::close, "4 of 8 bytes");
        x.write(ByteBuffer.allocate(4));
        x.close();
        IOException incomplete = assertThrows(IOException.class, writer::close);
        assertTrue(incomplete.getMessage().contains("only 1 of 2"), incomplete.getMessage());
    }

    @Test
    void refusesInvalidDeclarations() {
        GgufWriter.Builder builder = GgufWriter.builder();
        assertThrows(IllegalArgumentException.class, () -> builder.put(GgufFile.ALIGNMENT_KEY, GgufValue.uint32(48)));
        assertThrows(IllegalArgumentException.class, () -> builder.put(GgufFile.ALIGNMENT_KEY, GgufValue.int32(32)));
        assertThrows(IllegalArgumentException.class, () -> builder.tensor("q", GgmlType.Q4_0, 31));
        assertThrows(IllegalArgumentException.class, () -> builder.tensor("five", GgmlType.F32, 1, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> builder.tensor("x".repeat(64), GgmlType.F32, 1));
        builder.tensor("dup", GgmlType.F32, 1);
        assertThrows(IllegalArgumentException.class, () -> builder.tensor("dup", GgmlType.F32, 1));
        assertThrows(IllegalArgumentException.class, () -> new GgufValue.Array(GgufValueType.ARRAY, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new GgufValue.Array(GgufValueType.INT32, List.of(new GgufValue.Float32(1))));
        assertThrows(IllegalArgumentException.class, () -> new GgufValue.UInt8(256));
    }

    static byte[] readAll(ReadableByteChannel channel) throws IOException {
        try (InputStream in = Channels.newInputStream(channel)) {
            return in.readAllBytes();
        }
    }
}
