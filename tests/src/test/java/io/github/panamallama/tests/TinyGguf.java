package io.github.panamallama.tests;

import io.github.panamallama.convert.TensorSource;
import io.github.panamallama.convert.pytorch.PyTorchCheckpoint;
import io.github.panamallama.convert.sentencepiece.SentencePieceModel;
import io.github.panamallama.fixture.TinyMistralConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The independent reference for the converter: a minimal F32 GGUF (architecture "llama",
 * SentencePiece vocabulary) written straight from the tiny-Mistral fixture's native checkpoint,
 * from the GGUF specification alone, without the project's {@code GgufWriter} or converter, so
 * that the two can be compared. Meta's q/k row order is what llama.cpp expects, so no
 * permutation is needed. Only what llama.cpp requires to load the model is written.
 */
final class TinyGguf {
    private static final int ALIGNMENT = 32;
    private static final int TYPE_UINT32 = 4;
    private static final int TYPE_INT32 = 5;
    private static final int TYPE_FLOAT32 = 6;
    private static final int TYPE_STRING = 8;
    private static final int TYPE_ARRAY = 9;
    private static final int GGML_TYPE_F32 = 0;

    private static final Map<String, String> LAYER_NAMES = Map.of(
            "attention.wq.weight", "attn_q.weight",
            "attention.wk.weight", "attn_k.weight",
            "attention.wv.weight", "attn_v.weight",
            "attention.wo.weight", "attn_output.weight",
            "feed_forward.w1.weight", "ffn_gate.weight",
            "feed_forward.w2.weight", "ffn_down.weight",
            "feed_forward.w3.weight", "ffn_up.weight",
            "attention_norm.weight", "attn_norm.weight",
            "ffn_norm.weight", "ffn_norm.weight");

    private TinyGguf() {
    }

    /** Writes {@code out} from {@code <fixture>/native}; returns the number of weights written. */
    static long write(Path nativeDirectory, Path out, TinyMistralConfig config) throws IOException {
        SentencePieceModel vocabulary = SentencePieceModel.read(nativeDirectory.resolve("tokenizer.model"));
        ByteArrayOutputStream kv = new ByteArrayOutputStream();
        int kvCount = 0;
        kvCount += string(kv, "general.architecture", "llama");
        kvCount += string(kv, "general.name", "tiny-mistral");
        kvCount += uint32(kv, "llama.context_length", config.maxPositions());
        kvCount += uint32(kv, "llama.embedding_length", config.dim());
        kvCount += uint32(kv, "llama.block_count", config.layers());
        kvCount += uint32(kv, "llama.feed_forward_length", config.hiddenDim());
        kvCount += uint32(kv, "llama.rope.dimension_count", config.headDim());
        kvCount += uint32(kv, "llama.attention.head_count", config.heads());
        kvCount += uint32(kv, "llama.attention.head_count_kv", config.kvHeads());
        kvCount += float32(kv, "llama.attention.layer_norm_rms_epsilon", (float) config.normEps());
        kvCount += float32(kv, "llama.rope.freq_base", (float) config.ropeTheta());
        kvCount += uint32(kv, "general.file_type", 0);
        kvCount += string(kv, "tokenizer.ggml.model", "llama");
        List<SentencePieceModel.Piece> pieces = vocabulary.pieces();
        key(kv, "tokenizer.ggml.tokens", TYPE_ARRAY);
        u32(kv, TYPE_STRING);
        u64(kv, pieces.size());
        pieces.forEach(piece -> str(kv, piece.text()));
        key(kv, "tokenizer.ggml.scores", TYPE_ARRAY);
        u32(kv, TYPE_FLOAT32);
        u64(kv, pieces.size());
        pieces.forEach(piece -> u32(kv, Float.floatToRawIntBits(piece.score())));
        key(kv, "tokenizer.ggml.token_type", TYPE_ARRAY);
        u32(kv, TYPE_INT32);
        u64(kv, pieces.size());
        pieces.forEach(piece -> u32(kv, piece.type().ordinal() + 1)); // llama_token_type numbering
        kvCount += 3;
        kvCount += uint32(kv, "tokenizer.ggml.bos_token_id", vocabulary.bosId());
        kvCount += uint32(kv, "tokenizer.ggml.eos_token_id", vocabulary.eosId());
        kvCount += uint32(kv, "tokenizer.ggml.unknown_token_id", vocabulary.unkId());

        long weights = 0;
        try (PyTorchCheckpoint checkpoint = PyTorchCheckpoint.open(nativeDirectory.resolve("consolidated.00.pth"))) {
            List<TensorSource> tensors = checkpoint.tensors();
            ByteArrayOutputStream infos = new ByteArrayOutputStream();
            long offset = 0;
            List<Long> offsets = new ArrayList<>();
            for (TensorSource tensor : tensors) {
                str(infos, ggufName(tensor.name()));
                long[] shape = tensor.shape();
                u32(infos, shape.length);
                for (int i = shape.length - 1; i >= 0; i--) {
                    u64(infos, shape[i]); // GGUF lists the innermost dimension first
                }
                u32(infos, GGML_TYPE_F32);
                u64(infos, offset);
                offsets.add(offset);
                long bytes = tensor.byteSize() / tensor.type().bytes() * 4;
                offset = align(offset + bytes);
                weights += bytes / 4;
            }
            try (OutputStream file = Files.newOutputStream(out)) {
                ByteArrayOutputStream header = new ByteArrayOutputStream();
                header.writeBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
                u32(header, 3);
                u64(header, tensors.size());
                u64(header, kvCount);
                header.writeBytes(kv.toByteArray());
                header.writeBytes(infos.toByteArray());
                while (header.size() % ALIGNMENT != 0) {
                    header.write(0);
                }
                file.write(header.toByteArray());
                long written = 0;
                for (int i = 0; i < tensors.size(); i++) {
                    while (written < offsets.get(i)) {
                        file.write(0);
                        written++;
                    }
                    byte[] f32 = toF32(tensors.get(i));
                    file.write(f32);
                    written += f32.length;
                }
            }
        }
        return weights;
    }

    static String ggufName(String meta) {
        switch (meta) {
            case "tok_embeddings.weight": return "token_embd.weight";
            case "norm.weight": return "output_norm.weight";
            case "output.weight": return "output.weight";
            default:
                String[] parts = meta.split("\\.", 3); // layers, N, rest
                return "blk." + parts[1] + "." + LAYER_NAMES.get(parts[2]);
        }
    }

    private static byte[] toF32(TensorSource tensor) throws IOException {
        byte[] bf16;
        try (InputStream in = Channels.newInputStream(tensor.open())) {
            bf16 = in.readAllBytes();
        }
        ByteBuffer f32 = ByteBuffer.allocate(bf16.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < bf16.length; i += 2) {
            f32.putInt(((bf16[i] & 0xff) | (bf16[i + 1] & 0xff) << 8) << 16);
        }
        return f32.array();
    }

    private static long align(long offset) {
        return (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static int string(ByteArrayOutputStream out, String key, String value) {
        key(out, key, TYPE_STRING);
        str(out, value);
        return 1;
    }

    private static int uint32(ByteArrayOutputStream out, String key, int value) {
        key(out, key, TYPE_UINT32);
        u32(out, value);
        return 1;
    }

    private static int float32(ByteArrayOutputStream out, String key, float value) {
        key(out, key, TYPE_FLOAT32);
        u32(out, Float.floatToRawIntBits(value));
        return 1;
    }

    private static void key(ByteArrayOutputStream out, String key, int type) {
        str(out, key);
        u32(out, type);
    }

    private static void str(ByteArrayOutputStream out, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        u64(out, utf8.length);
        out.writeBytes(utf8);
    }

    private static void u32(ByteArrayOutputStream out, int value) {
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
    }

    private static void u64(ByteArrayOutputStream out, long value) {
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
    }
}
