package io.github.panamallama.convert;

import io.github.panamallama.fixture.SafetensorsWriter;
import io.github.panamallama.fixture.PyTorchCheckpointWriter;
import io.github.panamallama.fixture.SentencePieceModelWriter;
import io.github.panamallama.gguf.GgmlType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A tiny Mistral-shaped model with random BF16 weights, written in both layouts: the same
 * weights natively and in Hugging Face's naming and rotary row order.
 */
final class TinyModel {
    static final int DIM = 64;
    static final int LAYERS = 2;
    static final int HEADS = 4;
    static final int KV_HEADS = 2;
    static final int HEAD_DIM = DIM / HEADS;
    static final int FFN = 96;
    static final int VOCAB = 300;
    static final int PIECES = 290;
    static final double ROPE_THETA = 1_000_000.0;
    static final double NORM_EPS = 1e-5;

    /** Native name to [shape, BF16 bits as little-endian bytes]; Meta's row order. */
    final Map<String, long[]> shapes = new LinkedHashMap<>();
    final Map<String, byte[]> weights = new LinkedHashMap<>();

    TinyModel(long seed) {
        Random random = new Random(seed);
        add("tok_embeddings.weight", random, VOCAB, DIM);
        for (int b = 0; b < LAYERS; b++) {
            add("layers." + b + ".attention.wq.weight", random, HEADS * HEAD_DIM, DIM);
            add("layers." + b + ".attention.wk.weight", random, KV_HEADS * HEAD_DIM, DIM);
            add("layers." + b + ".attention.wv.weight", random, KV_HEADS * HEAD_DIM, DIM);
            add("layers." + b + ".attention.wo.weight", random, DIM, HEADS * HEAD_DIM);
            add("layers." + b + ".feed_forward.w1.weight", random, FFN, DIM);
            add("layers." + b + ".feed_forward.w2.weight", random, DIM, FFN);
            add("layers." + b + ".feed_forward.w3.weight", random, FFN, DIM);
            add("layers." + b + ".attention_norm.weight", random, DIM);
            add("layers." + b + ".ffn_norm.weight", random, DIM);
        }
        add("norm.weight", random, DIM);
        add("output.weight", random, VOCAB, DIM);
    }

    private void add(String name, Random random, long... shape) {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        ByteBuffer data = ByteBuffer.allocate((int) count * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < count; i++) {
            data.putShort(ElementConverter.floatToBf16((float) (random.nextGaussian() * 0.05)));
        }
        shapes.put(name, shape);
        weights.put(name, data.array());
    }

    /** Mistral native: params.json, consolidated.00.pth, tokenizer.model. */
    Path writeNative(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("params.json"), """
                {"dim": %d, "n_layers": %d, "head_dim": %d, "hidden_dim": %d, "n_heads": %d, "n_kv_heads": %d,
                 "norm_eps": 1e-05, "vocab_size": %d, "rope_theta": 1000000.0}
                """.formatted(DIM, LAYERS, HEAD_DIM, FFN, HEADS, KV_HEADS, VOCAB));
        PyTorchCheckpointWriter pth = new PyTorchCheckpointWriter("consolidated");
        weights.forEach((name, data) -> pth.add(name, GgmlType.BF16, shapes.get(name), data));
        pth.write(dir.resolve("consolidated.00.pth"));
        Files.write(dir.resolve("tokenizer.model"), tokenizerModel());
        return dir;
    }

    /** Hugging Face: config.json, sharded safetensors with an index (or one file), tokenizer.model. */
    Path writeHuggingFace(Path dir, boolean sharded) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["MistralForCausalLM"], "model_type": "mistral", "hidden_size": %d,
                 "num_hidden_layers": %d, "intermediate_size": %d, "num_attention_heads": %d,
                 "num_key_value_heads": %d, "max_position_embeddings": 32768, "rms_norm_eps": 1e-05,
                 "rope_theta": 1000000.0, "sliding_window": null, "vocab_size": %d, "torch_dtype": "bfloat16",
                 "tie_word_embeddings": false}
                """.formatted(DIM, LAYERS, FFN, HEADS, KV_HEADS, VOCAB));
        List<SafetensorsWriter> shards = List.of(new SafetensorsWriter(), new SafetensorsWriter());
        Map<String, String> index = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, byte[]> entry : weights.entrySet()) {
            String name = huggingFaceName(entry.getKey());
            byte[] data = entry.getValue();
            long[] shape = shapes.get(entry.getKey());
            if (name.endsWith("q_proj.weight")) {
                data = toHuggingFaceRotaryOrder(data, HEADS, shape);
            } else if (name.endsWith("k_proj.weight")) {
                data = toHuggingFaceRotaryOrder(data, KV_HEADS, shape);
            }
            int shard = sharded ? (i++ < weights.size() / 2 ? 0 : 1) : 0;
            shards.get(shard).add(name, "BF16", shape, data);
            index.put(name, "model-0000" + (shard + 1) + "-of-00002.safetensors");
        }
        if (sharded) {
            shards.get(0).write(dir.resolve("model-00001-of-00002.safetensors"));
            shards.get(1).write(dir.resolve("model-00002-of-00002.safetensors"));
            SafetensorsWriter.writeIndex(dir.resolve("model.safetensors.index.json"), index);
        } else {
            shards.get(0).write(dir.resolve("model.safetensors"));
        }
        Files.write(dir.resolve("tokenizer.model"), tokenizerModel());
        return dir;
    }

    static String huggingFaceName(String nativeName) {
        return switch (nativeName) {
            case "tok_embeddings.weight" -> "model.embed_tokens.weight";
            case "norm.weight" -> "model.norm.weight";
            case "output.weight" -> "lm_head.weight";
            default -> "model." + nativeName
                    .replace("attention.wq", "self_attn.q_proj").replace("attention.wk", "self_attn.k_proj")
                    .replace("attention.wv", "self_attn.v_proj").replace("attention.wo", "self_attn.o_proj")
                    .replace("feed_forward.w1", "mlp.gate_proj").replace("feed_forward.w2", "mlp.down_proj")
                    .replace("feed_forward.w3", "mlp.up_proj").replace("attention_norm", "input_layernorm")
                    .replace("ffn_norm", "post_attention_layernorm");
        };
    }

    /**
     * What transformers' conversion script does to Q and K: within each head, Meta's interleaved
     * rotary pairs (rows 2i, 2i+1) become halves (rows i and i + headDim/2).
     */
    static byte[] toHuggingFaceRotaryOrder(byte[] meta, int heads, long[] shape) {
        int rows = (int) shape[0];
        int rowBytes = meta.length / rows;
        int headDim = rows / heads;
        byte[] hf = new byte[meta.length];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < headDim / 2; i++) {
                for (int j = 0; j < 2; j++) {
                    int metaRow = h * headDim + 2 * i + j;
                    int hfRow = h * headDim + j * (headDim / 2) + i;
                    System.arraycopy(meta, metaRow * rowBytes, hf, hfRow * rowBytes, rowBytes);
                }
            }
        }
        return hf;
    }

    /** The pieces of the test tokenizer: unk, bos, eos, 256 byte pieces, then ordinary pieces. */
    static List<String> pieces() {
        List<String> pieces = new ArrayList<>(SentencePieceModelWriter.leadingPieces());
        String letters = "abcdefghijklmnopqrstuvwxyz";
        pieces.add("▁");
        for (int i = 0; pieces.size() < PIECES; i++) {
            pieces.add(i < letters.length() ? String.valueOf(letters.charAt(i)) : "▁" + letters.charAt(i % 26) + letters.charAt(i / 26 % 26));
        }
        return pieces;
    }

    /** A SentencePiece model (BPE, byte fallback) for {@link #pieces()}. */
    static byte[] tokenizerModel() {
        List<String> pieces = pieces();
        float[] scores = new float[pieces.size()];
        for (int id = 259; id < scores.length; id++) {
            scores[id] = -id;
        }
        return SentencePieceModelWriter.bpeWithByteFallback(pieces, scores);
    }
}
