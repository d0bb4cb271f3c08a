package io.github.panamallama.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufFileTest {
    /** llama.cpp's own vocab-only GGUF files (fetched by scripts/fetch-natives.sh). */
    static final Path LLAMA_MODELS = Path.of(System.getProperty("panamallama.home", "."))
            .resolve("build/llama.cpp-v0.5.0/models");

    // Byte offsets in GgufTestFiles.small(): see GgufWriterTest.tensorsAreAlignedAndReadBack.
    static final int TENSOR_COUNT = 8;
    static final int KV_COUNT = 16;
    static final int KEY0_LENGTH = 24;
    static final int KEY0_TYPE = 52;
    static final int KEY0_STRING_LENGTH = 56;
    static final int KEY1_TYPE = 86;
    static final int KEY1_ELEMENT_TYPE = 90;
    static final int KEY1_COUNT = 94;
    static final int TENSOR0_NAME_LENGTH = 121;
    static final int TENSOR0_DIMENSION_COUNT = 130;
    static final int TENSOR0_DIMENSION0 = 134;
    static final int TENSOR0_TYPE = 150;
    static final int TENSOR0_OFFSET = 154;
    static final int TENSOR1_OFFSET = 187;
    static final int HEADER_END = 228;
    static final int DATA = 256;

    @TempDir
    Path dir;

    @Test
    void readsLlamaCppSpmVocab() throws IOException {
        try (GgufFile gguf = GgufFile.open(LLAMA_MODELS.resolve("ggml-vocab-llama-spm.gguf"))) {
            assertEquals(3, gguf.version());
            assertEquals("llama", gguf.get("general.architecture").orElseThrow().asString());
            assertEquals("llama", gguf.get("tokenizer.ggml.model").orElseThrow().asString());
            List<GgufValue> tokens = gguf.get("tokenizer.ggml.tokens").orElseThrow().asList();
            assertEquals(32000, tokens.size());
            assertEquals("<unk>", tokens.get(0).asString());
            assertEquals("<s>", tokens.get(1).asString());
            assertEquals("</s>", tokens.get(2).asString());
            assertEquals("<0x00>", tokens.get(3).asString());
            assertEquals(32000, gguf.get("tokenizer.ggml.scores").orElseThrow().asList().size());
            List<GgufValue> types = gguf.get("tokenizer.ggml.token_type").orElseThrow().asList();
            assertEquals(List.of(2L, 3L, 3L, 6L), types.subList(0, 4).stream().map(GgufValue::asLong).toList());
            assertEquals(1, gguf.get("tokenizer.ggml.bos_token_id").orElseThrow().asLong());
            assertEquals(2, gguf.get("tokenizer.ggml.eos_token_id").orElseThrow().asLong());
            assertEquals(4096, gguf.get("llama.embedding_length").orElseThrow().asLong());
            assertTrue(gguf.tensors().isEmpty(), "vocab-only file");
        }
    }

    @Test
    void rawStringsAreTheBytesInTheFile() throws IOException {
        byte[] bytes = Files.readAllBytes(GgufTestFiles.small(dir.resolve("small.gguf")));
        int c = KEY1_COUNT + 8 + 8 + 1 + 8 + 1; // count, len, "a", len, "b": the 'c' of "bc"
        assertEquals('c', bytes[c]);
        bytes[c] = (byte) 0xff;
        Path file = Files.write(dir.resolve("invalid.gguf"), bytes);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertEquals("b\uFFFD", gguf.get("test.list").orElseThrow().asList().get(1).asString());
            List<byte[]> raw = gguf.rawStrings("test.list").orElseThrow();
            assertEquals(2, raw.size());
            assertArrayEquals(new byte[] {'a'}, raw.get(0));
            assertArrayEquals(new byte[] {'b', (byte) 0xff}, raw.get(1));
            assertTrue(gguf.rawStrings("general.architecture").isEmpty(), "not an array");
            assertTrue(gguf.rawStrings("absent").isEmpty());
        }
    }

    @Test
    void readsEveryLlamaCppVocabFile() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(LLAMA_MODELS)) {
            files = list.filter(p -> p.toString().endsWith(".gguf")).sorted().toList();
        }
        assertTrue(files.size() >= 15, "vocab files present: " + files);
        for (Path file : files) {
            try (GgufFile gguf = GgufFile.open(file)) {
                assertFalse(gguf.get("tokenizer.ggml.tokens").orElseThrow().asList().isEmpty(), file.toString());
                assertFalse(gguf.get("general.architecture").orElseThrow().asString().isEmpty(), file.toString());
            }
        }
    }

    @Test
    void rewritingLlamaCppFilesReproducesThemByteForByte() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(LLAMA_MODELS)) {
            files = list.filter(p -> p.toString().endsWith(".gguf")).sorted().toList();
        }
        int compared = 0;
        for (Path file : files) {
            Path copy = dir.resolve("copy.gguf");
            try (GgufFile gguf = GgufFile.open(file)) {
                if (gguf.version() != 3) {
                    continue; // the writer writes version 3 only
                }
                GgufWriter.Builder builder = GgufWriter.builder();
                gguf.metadata().forEach(builder::put);
                assertTrue(gguf.tensors().isEmpty(), file + " is vocab-only");
                builder.create(copy).close();
            }
            // older gguf-py wrote no padding after the last header byte when there are no
            // tensors; llama.cpp v0.5.0 (and this writer) always pad to the alignment
            long size = Files.size(file);
            long mismatch = Files.mismatch(file, copy);
            assertTrue(mismatch == -1 || mismatch == size, file + " differs at " + mismatch);
            byte[] padding = java.util.Arrays.copyOfRange(Files.readAllBytes(copy), (int) size, (int) Files.size(copy));
            assertEquals(GgufFile.alignUp(size, 32), Files.size(copy), file.toString());
            assertArrayEquals(new byte[padding.length], padding, file.toString());
            compared++;
        }
        assertTrue(compared >= 5, "version 3 files compared: " + compared);
    }

    @Test
    void everyTruncationFailsWithFormatException() throws IOException {
        byte[] bytes = Files.readAllBytes(GgufTestFiles.small(dir.resolve("small.gguf")));
        for (int length = 0; length < bytes.length - 32 + 10; length++) {
            // the last tensor ends 22 bytes before the padded end; shorter is truncated
            Path cut = write(java.util.Arrays.copyOf(bytes, length));
            GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(cut).close(),
                    "truncated to " + length);
            assertTrue(e.offset() >= 0 && e.offset() <= bytes.length, e.getMessage());
        }
    }

    @Test
    void truncationAtSectionBoundariesNamesTheField() throws IOException {
        byte[] bytes = Files.readAllBytes(GgufTestFiles.small(dir.resolve("small.gguf")));
        assertField(java.util.Arrays.copyOf(bytes, 6), "version", 4);
        assertField(java.util.Arrays.copyOf(bytes, 20), "metadata count", 16);
        // 3 tensor infos and 2 pairs need at least 98 bytes: caught before reading any key
        assertField(java.util.Arrays.copyOf(bytes, 40), "tensor count", 24);
        // the same file claiming no tensors and one pair: truncation inside the first key and value
        byte[] onePair = patchLong(patchLong(bytes, TENSOR_COUNT, 0), KV_COUNT, 1);
        assertField(java.util.Arrays.copyOf(onePair, 30), "metadata count", 24);
        assertField(java.util.Arrays.copyOf(onePair, 40), "key 0", 32);
        assertField(java.util.Arrays.copyOf(onePair, 54), "key 0 'general.architecture' type", 52);
        assertField(java.util.Arrays.copyOf(onePair, 60), "key 0 'general.architecture' length", 56);
        assertField(java.util.Arrays.copyOf(onePair, 66), "key 0 'general.architecture'", 64);
        assertField(java.util.Arrays.copyOf(bytes, 100), "key 1 'test.list' element count", KEY1_COUNT);
        assertField(java.util.Arrays.copyOf(bytes, 118), "key 1 'test.list'[1] length", 111);
        assertField(java.util.Arrays.copyOf(bytes, 145), "tensor info 0 'a' dimension 1", 142);
        assertField(java.util.Arrays.copyOf(bytes, HEADER_END + 2), "data section", HEADER_END);
        assertField(java.util.Arrays.copyOf(bytes, DATA + 70), "tensor 'c' data", DATA + 64);
    }

    @Test
    void checkHeaderReadsOnlyMagicAndVersion() throws IOException {
        byte[] bytes = Files.readAllBytes(GgufTestFiles.small(dir.resolve("small.gguf")));
        assertEquals(3, GgufFile.checkHeader(Files.write(dir.resolve("header.gguf"), java.util.Arrays.copyOf(bytes, 8))));
        assertHeader(patchInt(bytes, 0, 0x04034b50), "magic at byte offset 0: expected \"GGUF\" but found 50 4b 03 04");
        assertHeader(patchInt(bytes, 4, 9), "version at byte offset 4: unsupported GGUF version 9 (supported: 2, 3)");
        assertHeader(patchInt(bytes, 4, Integer.reverseBytes(3)),
                "version at byte offset 4: this is a big-endian GGUF file; only little-endian is supported");
        assertHeader(java.util.Arrays.copyOf(bytes, 2), "magic at byte offset 0: the file ends after 2 bytes");
        assertHeader(java.util.Arrays.copyOf(bytes, 6), "version at byte offset 4: the file ends after 6 bytes");
    }

    private void assertHeader(byte[] bytes, String message) throws IOException {
        Path file = Files.write(dir.resolve("bad-header.gguf"), bytes);
        assertEquals(message, assertThrows(GgufFormatException.class, () -> GgufFile.checkHeader(file)).getMessage());
    }

    @Test
    void absurdCountsAndBadFieldsAreRejectedBeforeAllocating() throws IOException {
        byte[] bytes = Files.readAllBytes(GgufTestFiles.small(dir.resolve("small.gguf")));
        assertField(patchInt(bytes, 0, 0x46554746), "magic", 0);
        assertField(patchInt(bytes, 4, 1), "version", 4);
        assertField(patchInt(bytes, 4, Integer.reverseBytes(3)), "version", 4); // big-endian
        assertField(patchLong(bytes, TENSOR_COUNT, Long.MAX_VALUE), "tensor count", 24);
        assertField(patchLong(bytes, TENSOR_COUNT, -1), "tensor count", 24);
        assertField(patchLong(bytes, KV_COUNT, 1L << 40), "metadata count", 24);
        assertField(patchLong(bytes, KEY0_LENGTH, -2), "key 0", KEY0_LENGTH);
        assertField(patchLong(bytes, KEY0_LENGTH, 0), "key 0", KEY0_LENGTH);
        assertField(patchInt(bytes, KEY0_TYPE, 13), "key 0 'general.architecture' type", KEY0_TYPE);
        assertField(patchLong(bytes, KEY0_STRING_LENGTH, Integer.MAX_VALUE), "key 0 'general.architecture'", KEY0_STRING_LENGTH);
        assertField(patchInt(bytes, KEY1_ELEMENT_TYPE, 9), "key 1 'test.list' element type", KEY1_ELEMENT_TYPE);
        assertField(patchLong(bytes, KEY1_COUNT, 1L << 59), "key 1 'test.list' element count", KEY1_COUNT + 8);
        assertField(patchLong(bytes, TENSOR0_NAME_LENGTH, 1L << 62), "tensor info 0 name", TENSOR0_NAME_LENGTH);
        assertField(patchInt(bytes, TENSOR0_DIMENSION_COUNT, 5), "tensor info 0 'a' dimension count", TENSOR0_DIMENSION_COUNT);
        assertField(patchInt(bytes, TENSOR0_DIMENSION_COUNT, 0), "tensor info 0 'a' dimension count", TENSOR0_DIMENSION_COUNT);
        assertField(patchLong(bytes, TENSOR0_DIMENSION0, -3), "tensor info 0 'a' dimension 0", TENSOR0_DIMENSION0);
        assertField(patchLong(bytes, TENSOR0_DIMENSION0, 1L << 62), "tensor info 0 'a' dimensions", TENSOR0_DIMENSION_COUNT);
        assertField(patchInt(bytes, TENSOR0_TYPE, 4), "tensor info 0 'a' type", TENSOR0_TYPE);
        assertField(patchInt(bytes, TENSOR0_TYPE, GgmlType.Q4_0.id()), "tensor info 0 'a' dimensions", TENSOR0_DIMENSION_COUNT);
        assertField(patchLong(bytes, TENSOR0_OFFSET, 16), "tensor info 0 'a' data offset", TENSOR0_OFFSET);
        assertField(patchLong(bytes, TENSOR0_OFFSET, 1L << 50), "tensor 'a' data", DATA + (1L << 50));
        assertField(patchLong(bytes, TENSOR1_OFFSET, 0), "tensor 'b' data", DATA);
        byte[] duplicateName = bytes.clone(); // rename tensor "b" to "a"
        duplicateName[170] = 'a';
        assertField(duplicateName, "tensor info 1 name", 162);
        assertField(boolFile(), "key 0 'flag'", 24 + 8 + 4 + 4);
    }

    @Test
    void alignmentMustBeUint32PowerOfTwo() throws IOException {
        Path file = dir.resolve("align.gguf");
        GgufWriter.builder().put(GgufFile.ALIGNMENT_KEY, GgufValue.uint32(64)).create(file).close();
        byte[] bytes = Files.readAllBytes(file);
        int value = 24 + 8 + GgufFile.ALIGNMENT_KEY.length() + 4;
        assertField(patchInt(bytes, value, 48), GgufFile.ALIGNMENT_KEY, value - 4);
        assertField(patchInt(bytes, value - 4, GgufValueType.INT32.id()), GgufFile.ALIGNMENT_KEY, value - 4);
    }

    @Test
    void randomCorruptionNeverEscapesAsAnotherException() throws IOException {
        byte[] bytes = Files.readAllBytes(GgufTestFiles.small(dir.resolve("small.gguf")));
        Random random = new Random(42);
        int rejected = 0;
        for (int round = 0; round < 1000; round++) {
            byte[] corrupt = bytes.clone();
            int flips = 1 + random.nextInt(3);
            for (int i = 0; i < flips; i++) {
                corrupt[random.nextInt(HEADER_END)] = (byte) random.nextInt(256);
            }
            Path file = write(corrupt);
            try (GgufFile gguf = GgufFile.open(file)) {
                gguf.tensors().forEach(GgufTensorInfo::byteSize);
            } catch (GgufFormatException e) {
                rejected++;
            }
        }
        assertTrue(rejected > 300, "most random corruptions are detected: " + rejected);
    }

    private byte[] boolFile() throws IOException {
        Path file = dir.resolve("bool.gguf");
        GgufWriter.builder().put("flag", GgufValue.bool(true)).create(file).close();
        byte[] bytes = Files.readAllBytes(file);
        bytes[24 + 8 + 4 + 4] = 2;
        return bytes;
    }

    private void assertField(byte[] bytes, String field, long offset) throws IOException {
        Path file = write(bytes);
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(file).close(), field);
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains("offset " + offset), e.getMessage());
    }

    private Path write(byte[] bytes) throws IOException {
        Path file = dir.resolve("corrupt.gguf");
        Files.write(file, bytes);
        return file;
    }

    private static byte[] patchInt(byte[] bytes, int at, int value) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return copy;
    }

    private static byte[] patchLong(byte[] bytes, int at, long value) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
        return copy;
    }
}
