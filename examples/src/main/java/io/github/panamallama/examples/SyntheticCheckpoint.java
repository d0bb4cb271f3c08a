package io.github.panamallama.examples;

import io.github.panamallama.fixture.SentencePieceModelWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face-layout Mistral checkpoint with random BF16 weights, written in three
 * safetensors shards with an index, a config.json and a tokenizer.model, streaming (any size
 * in a few MB of memory). For benchmarks and tests of the converter; the weights mean nothing.
 *
 * @param dim model width
 * @param layers transformer layers
 * @param heads attention heads
 * @param kvHeads key/value heads
 * @param headDim width of a head
 * @param ffn MLP width
 * @param vocab vocabulary size (at least 260: unk, bos, eos, 256 byte pieces, one more)
 */
public record SyntheticCheckpoint(int dim, int layers, int heads, int kvHeads, int headDim, int ffn, int vocab) {
    /** Mistral 7B v0.2's dimensions with a given number of layers (32 for the real model). */
    static SyntheticCheckpoint mistral7b(int layers) {
        return new SyntheticCheckpoint(4096, layers, 32, 8, 128, 14336, 32000);
    }

    private record Tensor(String name, long[] shape, int shard) {
        long bytes() {
            long count = 2;
            for (long d : shape) {
                count *= d;
            }
            return count;
        }
    }

    /** Bytes of BF16 weights. */
    long bytes() {
        return tensors().stream().mapToLong(Tensor::bytes).sum();
    }

    private List<Tensor> tensors() {
        List<Tensor> tensors = new ArrayList<>();
        tensors.add(new Tensor("model.embed_tokens.weight", new long[] {vocab, dim}, 0));
        for (int b = 0; b < layers; b++) {
            int shard = Math.min(2, b * 3 / layers);
            String p = "model.layers." + b + ".";
            tensors.add(new Tensor(p + "input_layernorm.weight", new long[] {dim}, shard));
            tensors.add(new Tensor(p + "self_attn.q_proj.weight", new long[] {(long) heads * headDim, dim}, shard));
            tensors.add(new Tensor(p + "self_attn.k_proj.weight", new long[] {(long) kvHeads * headDim, dim}, shard));
            tensors.add(new Tensor(p + "self_attn.v_proj.weight", new long[] {(long) kvHeads * headDim, dim}, shard));
            tensors.add(new Tensor(p + "self_attn.o_proj.weight", new long[] {dim, (long) heads * headDim}, shard));
            tensors.add(new Tensor(p + "post_attention_layernorm.weight", new long[] {dim}, shard));
            tensors.add(new Tensor(p + "mlp.gate_proj.weight", new long[] {ffn, dim}, shard));
            tensors.add(new Tensor(p + "mlp.up_proj.weight", new long[] {ffn, dim}, shard));
            tensors.add(new Tensor(p + "mlp.down_proj.weight", new long[] {dim, ffn}, shard));
        }
        tensors.add(new Tensor("model.norm.weight", new long[] {dim}, 2));
        tensors.add(new Tensor("lm_head.weight", new long[] {vocab, dim}, 2));
        return tensors;
    }

    /** Writes the checkpoint into {@code directory} (which must exist). */
    public void write(Path directory) throws IOException {
        Files.writeString(directory.resolve("config.json"), """
                {"architectures": ["MistralForCausalLM"], "hidden_size": %d, "intermediate_size": %d,
                 "max_position_embeddings": 32768, "num_attention_heads": %d, "num_hidden_layers": %d,
                 "num_key_value_heads": %d, "head_dim": %d, "rms_norm_eps": 1e-05, "rope_theta": 1000000.0,
                 "sliding_window": null, "vocab_size": %d, "torch_dtype": "bfloat16"}
                """.formatted(dim, ffn, heads, layers, kvHeads, headDim, vocab));
        Files.write(directory.resolve("tokenizer.model"), tokenizerModel());
        List<Tensor> tensors = tensors();
        Map<String, String> index = new LinkedHashMap<>();
        long seed = 0x9E3779B97F4A7C15L;
        for (int shard = 0; shard < 3; shard++) {
            String file = "model-0000" + (shard + 1) + "-of-00003.safetensors";
            int s = shard;
            List<Tensor> inShard = tensors.stream().filter(t -> t.shard() == s).toList();
            inShard.forEach(t -> index.put(t.name(), file));
            seed = writeShard(directory.resolve(file), inShard, seed);
        }
        StringBuilder json = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
        index.forEach((name, file) -> json.append('"').append(name).append("\": \"").append(file).append("\","));
        json.setLength(json.length() - 1);
        Files.writeString(directory.resolve("model.safetensors.index.json"), json.append("}}").toString());
    }

    /** Streams random BF16 data (normal-ish magnitudes, no NaN or infinity) into one shard. */
    private static long writeShard(Path file, List<Tensor> tensors, long seed) throws IOException {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (Tensor tensor : tensors) {
            header.append('"').append(tensor.name()).append("\":{\"dtype\":\"BF16\",\"shape\":[");
            for (int i = 0; i < tensor.shape().length; i++) {
                header.append(i > 0 ? "," : "").append(tensor.shape()[i]);
            }
            header.append("],\"data_offsets\":[").append(offset).append(',').append(offset + tensor.bytes()).append("]},");
            offset += tensor.bytes();
        }
        header.setCharAt(header.length() - 1, '}');
        while (header.length() % 8 != 0) {
            header.append(' ');
        }
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer chunk = ByteBuffer.allocateDirect(8 << 20).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer start = ByteBuffer.allocate(8 + headerBytes.length).order(ByteOrder.LITTLE_ENDIAN);
            start.putLong(headerBytes.length).put(headerBytes).flip();
            while (start.hasRemaining()) {
                out.write(start);
            }
            long left = offset;
            while (left > 0) {
                chunk.clear();
                int longs = (int) Math.min(chunk.capacity(), left) / 8;
                for (int i = 0; i < longs; i++) {
                    seed += 0x9E3779B97F4A7C15L; // SplitMix64
                    long z = seed;
                    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
                    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
                    z ^= z >>> 31;
                    // four BF16 values: random sign and mantissa, exponent 2^-15 .. 2^-1
                    chunk.putLong(z & 0xBF7F_BF7F_BF7F_BF7FL | 0x3800_3800_3800_3800L);
                }
                chunk.flip();
                left -= chunk.remaining();
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
            }
        }
        return seed;
    }

    /** A SentencePiece model with {@code vocab} pieces: unk, bos, eos, 256 byte pieces, filler. */
    byte[] tokenizerModel() {
        List<String> pieces = new ArrayList<>(SentencePieceModelWriter.leadingPieces());
        while (pieces.size() < vocab) {
            pieces.add("▁t" + pieces.size());
        }
        float[] scores = new float[vocab];
        for (int id = 0; id < vocab; id++) {
            scores[id] = -id;
        }
        return SentencePieceModelWriter.bpeWithByteFallback(pieces, scores);
    }
}
