package io.github.panamallama.examples;

import java.io.ByteArrayOutputStream;
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
record SyntheticCheckpoint(int dim, int layers, int heads, int kvHeads, int headDim, int ffn, int vocab) {
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
    void write(Path directory) throws IOException {
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

    /** A SentencePiece ModelProto with {@code vocab} pieces: unk, bos, eos, 256 byte pieces, filler. */
    byte[] tokenizerModel() {
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        for (int id = 0; id < vocab; id++) {
            String text = id == 0 ? "<unk>" : id == 1 ? "<s>" : id == 2 ? "</s>"
                    : id < 259 ? String.format("<0x%02X>", id - 3) : "▁t" + id;
            int type = id == 0 ? 2 : id < 3 ? 3 : id < 259 ? 6 : 1;
            ByteArrayOutputStream piece = new ByteArrayOutputStream();
            bytesField(piece, 1, text.getBytes(StandardCharsets.UTF_8));
            varint(piece, (2 << 3) | 5);
            piece.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(-id).array());
            varint(piece, 3 << 3);
            varint(piece, type);
            bytesField(model, 1, piece.toByteArray());
        }
        ByteArrayOutputStream trainer = new ByteArrayOutputStream();
        varint(trainer, 3 << 3);
        varint(trainer, 2); // BPE
        varint(trainer, 35 << 3);
        varint(trainer, 1); // byte fallback
        bytesField(model, 2, trainer.toByteArray());
        return model.toByteArray();
    }

    private static void bytesField(ByteArrayOutputStream out, int field, byte[] bytes) {
        varint(out, (field << 3) | 2);
        varint(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
