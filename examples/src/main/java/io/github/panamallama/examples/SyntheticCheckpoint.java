package io.github.panamallama.examples;

import io.github.panamallama.fixture.SafetensorsWriter;
import io.github.panamallama.fixture.SentencePieceModelWriter;
import io.github.panamallama.fixture.SplitMix64;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
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
        SplitMix64 random = new SplitMix64(0x9E3779B97F4A7C15L);
        ByteBuffer chunk = ByteBuffer.allocateDirect(8 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (int shard = 0; shard < 3; shard++) {
            String file = "model-0000" + (shard + 1) + "-of-00003.safetensors";
            SafetensorsWriter writer = new SafetensorsWriter();
            for (Tensor tensor : tensors) {
                if (tensor.shard() == shard) {
                    index.put(tensor.name(), file);
                    writer.add(tensor.name(), "BF16", tensor.shape(), tensor.bytes(),
                            out -> randomBf16(out, tensor.bytes(), random, chunk));
                }
            }
            writer.write(directory.resolve(file));
        }
        SafetensorsWriter.writeIndex(directory.resolve("model.safetensors.index.json"), index);
    }

    /** Streams random BF16 values (normal-ish magnitudes, no NaN or infinity). */
    private static void randomBf16(WritableByteChannel out, long bytes, SplitMix64 random, ByteBuffer chunk)
            throws IOException {        long left = bytes;
        while (left > 0) {
            chunk.clear();
            while (chunk.remaining() >= Long.BYTES) {
                // four BF16 values: random sign and mantissa, exponent 2^-15 .. 2^-1
                chunk.putLong(random.nextLong() & 0xBF7F_BF7F_BF7F_BF7FL | 0x3800_3800_3800_3800L);
            }
            chunk.flip();
            chunk.limit((int) Math.min(chunk.limit(), left));
            left -= chunk.remaining();
            while (chunk.hasRemaining()) {
                out.write(chunk);
            }
        }
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
