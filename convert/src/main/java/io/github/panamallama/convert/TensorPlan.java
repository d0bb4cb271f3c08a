package io.github.panamallama.convert;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which checkpoint tensor becomes which GGUF tensor, in a fixed order (embeddings, each block,
 * final norm, output) so that both layouts of the same weights give the same file.
 */
final class TensorPlan {
    /**
     * One output tensor.
     *
     * @param rotaryHeads when positive, rows are in HF's rotary order for this many heads and
     *     must be put back into Meta's order
     */
    record Entry(String ggufName, TensorSource source, int rotaryHeads) {
    }

    /** GGUF names (with {@code %d} for the block) and the names each layout uses for them. */
    private record Name(String gguf, String nativeName, String huggingFace) {
    }

    private static final List<Name> BLOCK = List.of(
            new Name("blk.%d.attn_norm.weight", "layers.%d.attention_norm.weight", "model.layers.%d.input_layernorm.weight"),
            new Name("blk.%d.attn_q.weight", "layers.%d.attention.wq.weight", "model.layers.%d.self_attn.q_proj.weight"),
            new Name("blk.%d.attn_k.weight", "layers.%d.attention.wk.weight", "model.layers.%d.self_attn.k_proj.weight"),
            new Name("blk.%d.attn_v.weight", "layers.%d.attention.wv.weight", "model.layers.%d.self_attn.v_proj.weight"),
            new Name("blk.%d.attn_output.weight", "layers.%d.attention.wo.weight", "model.layers.%d.self_attn.o_proj.weight"),
            new Name("blk.%d.ffn_norm.weight", "layers.%d.ffn_norm.weight", "model.layers.%d.post_attention_layernorm.weight"),
            new Name("blk.%d.ffn_gate.weight", "layers.%d.feed_forward.w1.weight", "model.layers.%d.mlp.gate_proj.weight"),
            new Name("blk.%d.ffn_up.weight", "layers.%d.feed_forward.w3.weight", "model.layers.%d.mlp.up_proj.weight"),
            new Name("blk.%d.ffn_down.weight", "layers.%d.feed_forward.w2.weight", "model.layers.%d.mlp.down_proj.weight"));
    private static final Name EMBEDDING = new Name("token_embd.weight", "tok_embeddings.weight", "model.embed_tokens.weight");
    private static final Name OUTPUT_NORM = new Name("output_norm.weight", "norm.weight", "model.norm.weight");
    private static final Name OUTPUT = new Name("output.weight", "output.weight", "lm_head.weight");

    private TensorPlan() {
    }

    /**
     * The conversion plan for a checkpoint.
     *
     * @throws IOException if a tensor is missing, has the wrong shape, or is not a llama tensor
     */
    static List<Entry> of(CheckpointLayout layout, LlamaHyperparameters hp, Checkpoint checkpoint) throws IOException {
        Map<String, TensorSource> remaining = new HashMap<>();
        for (TensorSource tensor : checkpoint.tensors()) {
            remaining.put(tensor.name(), tensor);
        }
        long dim = hp.embeddingLength();
        long qRows = (long) hp.headCount() * hp.headDimension();
        long kvRows = (long) hp.headCountKv() * hp.headDimension();
        long ffn = hp.feedForwardLength();
        boolean hf = layout == CheckpointLayout.HUGGING_FACE;

        List<Entry> plan = new ArrayList<>();
        plan.add(take(remaining, layout, EMBEDDING, -1, 0, hp.vocabSize(), dim));
        for (int b = 0; b < hp.blockCount(); b++) {
            plan.add(take(remaining, layout, BLOCK.get(0), b, 0, dim));
            plan.add(take(remaining, layout, BLOCK.get(1), b, hf ? hp.headCount() : 0, qRows, dim));
            plan.add(take(remaining, layout, BLOCK.get(2), b, hf ? hp.headCountKv() : 0, kvRows, dim));
            plan.add(take(remaining, layout, BLOCK.get(3), b, 0, kvRows, dim));
            plan.add(take(remaining, layout, BLOCK.get(4), b, 0, dim, qRows));
            plan.add(take(remaining, layout, BLOCK.get(5), b, 0, dim));
            plan.add(take(remaining, layout, BLOCK.get(6), b, 0, ffn, dim));
            plan.add(take(remaining, layout, BLOCK.get(7), b, 0, ffn, dim));
            plan.add(take(remaining, layout, BLOCK.get(8), b, 0, dim, ffn));
        }
        plan.add(take(remaining, layout, OUTPUT_NORM, -1, 0, dim));
        // Tied embeddings have no output matrix; llama.cpp then reuses token_embd.
        if (remaining.containsKey(sourceName(layout, OUTPUT, -1))) {
            plan.add(take(remaining, layout, OUTPUT, -1, 0, hp.vocabSize(), dim));
        }
        // Precomputed RoPE frequencies in old HF checkpoints: llama.cpp computes its own.
        remaining.keySet().removeIf(name -> name.endsWith(".rotary_emb.inv_freq"));
        if (!remaining.isEmpty()) {
            throw new IOException("checkpoint has tensors a " + hp.blockCount() + "-layer llama model does not use: "
                    + new TreeSet<>(remaining.keySet()));
        }
        return List.copyOf(plan);
    }

    private static String sourceName(CheckpointLayout layout, Name name, int block) {
        String pattern = layout == CheckpointLayout.NATIVE ? name.nativeName() : name.huggingFace();
        return block < 0 ? pattern : pattern.formatted(block);
    }

    private static Entry take(Map<String, TensorSource> remaining, CheckpointLayout layout, Name name, int block,
            int rotaryHeads, long... shape) throws IOException {
        String source = sourceName(layout, name, block);
        TensorSource tensor = remaining.remove(source);
        if (tensor == null) {
            throw new IOException("checkpoint has no tensor " + source);
        }
        if (!Arrays.equals(tensor.shape(), shape)) {
            throw new IOException("tensor " + source + " has shape " + Arrays.toString(tensor.shape())
                    + " but the configuration implies " + Arrays.toString(shape));
        }
        return new Entry(block < 0 ? name.gguf() : name.gguf().formatted(block), tensor, rotaryHeads);
    }
}
