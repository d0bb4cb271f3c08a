package io.github.panamallama.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.gguf.GgmlType;
import io.github.panamallama.gguf.GgufFile;
import io.github.panamallama.gguf.GgufTensorInfo;
import io.github.panamallama.gguf.GgufValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MistralConverterTest {
    @TempDir
    static Path dir;
    static TinyModel model;
    static Path nativeDir;
    static Path shardedDir;
    static Path singleDir;

    @BeforeAll
    static void writeCheckpoints() throws IOException {
        model = new TinyModel(7);
        nativeDir = model.writeNative(dir.resolve("native"));
        shardedDir = model.writeHuggingFace(dir.resolve("hf-sharded"), true);
        singleDir = model.writeHuggingFace(dir.resolve("hf-single"), false);
    }

    private static Path convert(Path input, OutputType type, String output) throws IOException {
        Path file = dir.resolve(output);
        MistralConverter.builder().outputType(type).name("tiny").build().convert(input, file);
        return file;
    }

    @Test
    void bothLayoutsGiveIdenticalFiles() throws IOException {
        for (OutputType type : OutputType.values()) {
            Path fromNative = convert(nativeDir, type, "native-" + type + ".gguf");
            Path fromSharded = convert(shardedDir, type, "sharded-" + type + ".gguf");
            Path fromSingle = convert(singleDir, type, "single-" + type + ".gguf");
            assertEquals(-1, Files.mismatch(fromNative, fromSharded), type + ": native vs sharded HF");
            assertEquals(-1, Files.mismatch(fromNative, fromSingle), type + ": native vs single-file HF");
        }
    }

    @Test
    void writesLlamaMetadataAndVocabulary() throws IOException {
        try (GgufFile gguf = GgufFile.open(convert(shardedDir, OutputType.F16, "meta.gguf"))) {
            assertEquals("llama", string(gguf, "general.architecture"));
            assertEquals("tiny", string(gguf, "general.name"));
            assertEquals(32768, number(gguf, "llama.context_length"));
            assertEquals(TinyModel.DIM, number(gguf, "llama.embedding_length"));
            assertEquals(TinyModel.LAYERS, number(gguf, "llama.block_count"));
            assertEquals(TinyModel.FFN, number(gguf, "llama.feed_forward_length"));
            assertEquals(TinyModel.HEADS, number(gguf, "llama.attention.head_count"));
            assertEquals(TinyModel.KV_HEADS, number(gguf, "llama.attention.head_count_kv"));
            assertEquals(new GgufValue.Float32(1_000_000f), gguf.get("llama.rope.freq_base").orElseThrow());
            assertEquals(new GgufValue.Float32(1e-5f), gguf.get("llama.attention.layer_norm_rms_epsilon").orElseThrow());
            assertEquals(TinyModel.HEAD_DIM, number(gguf, "llama.rope.dimension_count"));
            assertEquals(TinyModel.VOCAB, number(gguf, "llama.vocab_size"));
            assertEquals(1, number(gguf, "general.file_type"));
            assertFalse(gguf.metadata().keySet().stream().anyMatch(k -> k.contains("sliding")));
            assertEquals("llama", string(gguf, "tokenizer.ggml.model"));
            List<GgufValue> tokens = gguf.get("tokenizer.ggml.tokens").orElseThrow().asList();
            List<GgufValue> scores = gguf.get("tokenizer.ggml.scores").orElseThrow().asList();
            List<GgufValue> types = gguf.get("tokenizer.ggml.token_type").orElseThrow().asList();
            assertEquals(TinyModel.VOCAB, tokens.size());
            assertEquals(TinyModel.pieces(), tokens.subList(0, TinyModel.PIECES).stream().map(GgufValue::asString).toList());
            assertEquals("[PAD295]", tokens.get(295).asString());
            assertEquals(List.of(2L, 3L, 3L, 6L, 6L, 1L, 5L), List.of(types.get(0), types.get(1), types.get(2),
                    types.get(3), types.get(258), types.get(259), types.get(299)).stream().map(GgufValue::asLong).toList());
            assertEquals(-260.0, scores.get(260).asDouble());
            assertEquals(-10000.0, scores.get(299).asDouble());
            assertEquals(1, number(gguf, "tokenizer.ggml.bos_token_id"));
            assertEquals(2, number(gguf, "tokenizer.ggml.eos_token_id"));
            assertEquals(0, number(gguf, "tokenizer.ggml.unknown_token_id"));
            assertTrue(gguf.get("tokenizer.ggml.padding_token_id").isEmpty(), "pad_id -1 is absent");
            assertTrue(gguf.get("tokenizer.ggml.add_bos_token").orElseThrow().asBoolean());
            assertFalse(gguf.get("tokenizer.ggml.add_eos_token").orElseThrow().asBoolean());

            assertEquals(2 + 9 * TinyModel.LAYERS + 1, gguf.tensors().size());
            GgufTensorInfo embedding = gguf.tensors().getFirst();
            assertEquals("token_embd.weight", embedding.name());
            assertArrayEquals(new long[] {TinyModel.DIM, TinyModel.VOCAB}, embedding.dimensions());
            assertEquals(GgmlType.F16, embedding.type());
            GgufTensorInfo k = gguf.tensor("blk.1.attn_k.weight").orElseThrow();
            assertArrayEquals(new long[] {TinyModel.DIM, TinyModel.KV_HEADS * TinyModel.HEAD_DIM}, k.dimensions());
            assertEquals(GgmlType.F32, gguf.tensor("blk.0.attn_norm.weight").orElseThrow().type(), "norms stay F32");
            assertEquals(GgmlType.F32, gguf.tensor("output_norm.weight").orElseThrow().type());
            assertArrayEquals(new long[] {TinyModel.DIM, TinyModel.VOCAB}, gguf.tensor("output.weight").orElseThrow().dimensions());
        }
    }

    @Test
    void tensorValuesAreTheNativeWeightsInMetaRowOrder() throws IOException {
        Path f32 = convert(shardedDir, OutputType.F32, "values-f32.gguf");
        Path f16 = convert(shardedDir, OutputType.F16, "values-f16.gguf");
        try (GgufFile wide = GgufFile.open(f32); GgufFile narrow = GgufFile.open(f16)) {
            for (String[] pair : new String[][] {{"blk.0.attn_q.weight", "layers.0.attention.wq.weight"},
                    {"blk.1.attn_k.weight", "layers.1.attention.wk.weight"},
                    {"blk.0.ffn_down.weight", "layers.0.feed_forward.w2.weight"},
                    {"token_embd.weight", "tok_embeddings.weight"}}) {
                ByteBuffer bf16 = ByteBuffer.wrap(model.weights.get(pair[1])).order(ByteOrder.LITTLE_ENDIAN);
                ByteBuffer asF32 = ByteBuffer.wrap(read(wide, pair[0])).order(ByteOrder.LITTLE_ENDIAN);
                ByteBuffer asF16 = ByteBuffer.wrap(read(narrow, pair[0])).order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(bf16.capacity() * 2, asF32.capacity());
                for (int i = 0; i < bf16.capacity() / 2; i++) {
                    float expected = ElementConverter.bf16ToFloat(bf16.getShort(2 * i));
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(asF32.getFloat(4 * i)),
                            pair[0] + " element " + i);
                    assertEquals(Float.floatToFloat16(expected), asF16.getShort(2 * i), pair[0] + " element " + i);
                }
            }
        }
        // the HF file really was in the other order: without the reordering the test above fails
        byte[] meta = model.weights.get("layers.0.attention.wq.weight");
        assertFalse(java.util.Arrays.equals(meta, TinyModel.toHuggingFaceRotaryOrder(meta, TinyModel.HEADS,
                model.shapes.get("layers.0.attention.wq.weight"))));
    }

    @Test
    void contextLengthCanBeOverridden() throws IOException {
        Path file = dir.resolve("ctx.gguf");
        MistralConverter.builder().contextLength(8192).build().convert(nativeDir, file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertEquals(8192, number(gguf, "llama.context_length"));
            assertEquals("native", string(gguf, "general.name"), "defaults to the directory name");
        }
    }

    @Test
    void reportsProgressUpToTheTotal() throws IOException {
        List<ConversionProgress> seen = new ArrayList<>();
        long[] announced = new long[2];
        ConversionResult[] finished = new ConversionResult[1];
        ConversionListener listener = new ConversionListener() {
            @Override
            public void started(int tensorCount, long totalBytes) {
                announced[0] = tensorCount;
                announced[1] = totalBytes;
            }

            @Override
            public void progress(ConversionProgress progress) {
                seen.add(progress);
            }

            @Override
            public void finished(ConversionResult result) {
                finished[0] = result;
            }
        };
        Path file = dir.resolve("progress.gguf");
        ConversionResult result = MistralConverter.builder().outputType(OutputType.F32).listener(listener).build()
                .convert(nativeDir, file);
        assertEquals(21, announced[0]);
        assertFalse(seen.isEmpty());
        ConversionProgress last = seen.getLast();
        assertEquals(announced[1], last.bytesWritten());
        assertEquals(1.0, last.fraction());
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i).bytesWritten() > seen.get(i - 1).bytesWritten());
        }
        assertEquals(result, finished[0]);
        assertEquals(Files.size(file), result.fileBytes());
        long bf16Bytes = model.weights.values().stream().mapToLong(b -> b.length).sum();
        assertEquals(bf16Bytes, result.inputBytes());
        assertEquals(2 * bf16Bytes, announced[1], "F32 output is twice the BF16 input");
    }

    @Test
    void mismatchedConfigurationFailsWithoutLeavingAFile() throws IOException {
        Path broken = dir.resolve("broken");
        model.writeNative(broken);
        Files.writeString(broken.resolve("params.json"), Files.readString(broken.resolve("params.json"))
                .replace("\"hidden_dim\": 96", "\"hidden_dim\": 128"));
        Path out = dir.resolve("broken.gguf");
        IOException e = assertThrows(IOException.class, () -> MistralConverter.builder().build().convert(broken, out));
        assertTrue(e.getMessage().contains("layers.0.feed_forward.w1.weight has shape [96, 64]"), e.getMessage());
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(dir.resolve("broken.gguf.part")));

        Files.delete(broken.resolve("tokenizer.model"));
        IOException noTokenizer = assertThrows(IOException.class, () -> MistralConverter.builder().build().convert(broken, out));
        assertTrue(noTokenizer.getMessage().contains("no tokenizer.model"), noTokenizer.getMessage());
        IOException notAModel = assertThrows(IOException.class, () -> MistralConverter.builder().build().convert(dir, out));
        assertTrue(notAModel.getMessage().contains("neither params.json"), notAModel.getMessage());
    }


    private static String string(GgufFile gguf, String key) {
        return gguf.get(key).orElseThrow(() -> new AssertionError("missing " + key)).asString();
    }

    private static long number(GgufFile gguf, String key) {
        return gguf.get(key).orElseThrow(() -> new AssertionError("missing " + key)).asLong();
    }

    private static byte[] read(GgufFile gguf, String tensor) throws IOException {
        try (InputStream in = Channels.newInputStream(gguf.openTensorData(tensor))) {
            return in.readAllBytes();
        }
    }
}
