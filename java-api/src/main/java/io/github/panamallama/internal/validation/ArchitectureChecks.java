package io.github.panamallama.internal.validation;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Asserts in the {@code load_arch_hparams} of single architectures (src/models/*.cpp of
 * llama.cpp v0.5.0), reached while loading a file that claims the architecture. Each check
 * applies the assert's condition to the values as llama.cpp reads them; where llama.cpp would
 * throw first (a required key missing), that is left to it.
 *
 * <p>Covered:
 * <ul>
 * <li>bailingmoe3.cpp:32-33 {@code kda.safe_gate} true (its default), {@code kda.gate_lower_bound < 0}
 * <li>deepseek4.cpp:60 {@code attention.compress_ratios} has at most 512 entries
 * <li>dflash.cpp:71, 82 (with {@code hyper_connection.count > 0}) {@code attention.output_group_count > 0},
 *     {@code attention.sliding_window > 0}
 * <li>gemma-embedding.cpp:19-20 {@code dense_2_feat_in}, {@code dense_3_feat_out} 0 or {@code embedding_length}
 * <li>hrm-text.cpp:17-23 {@code hrm.layers_per_stack}, {@code hrm.h_cycles}, {@code hrm.l_cycles} above
 *     0 and block count = layers_per_stack x h_cycles x (l_cycles + 1) (uint32 arithmetic)
 * <li>hy-v4.cpp:65 {@code attention.key_length_mla} and {@code attention.value_length_mla} nonzero
 * <li>minimax-m3.cpp:33 {@code attention.indexer.block_size > 0}
 * <li>nanbeige.cpp:8, 16 {@code num_loops >= 1} and block count x num_loops at most 512
 * </ul>
 */
final class ArchitectureChecks {
    private final MetadataView metadata;
    private final long layers;

    /** @param layers the block count minus the NextN layers ({@code hparams.n_layer()}) */
    ArchitectureChecks(MetadataView metadata, long layers) {
        this.metadata = metadata;
        this.layers = layers;
    }

    void check() {
        switch (metadata.architecture()) {
            case "bailingmoe3" -> {
                String gate = metadata.key("%s.kda.safe_gate");
                if (metadata.bool(gate).orElse(true) == Boolean.FALSE) {
                    throw invalid(gate, "false", "must be true", "src/models/bailingmoe3.cpp:32");
                }
                String bound = metadata.key("%s.kda.gate_lower_bound");
                Optional<Float> value = metadata.f32(bound);
                if (value.isPresent() && !(value.get() < 0f)) {
                    throw invalid(bound, value.get().toString(), "must be below 0", "src/models/bailingmoe3.cpp:33");
                }
            }
            case "deepseek4" -> {
                String key = metadata.key("%s.attention.compress_ratios");
                OptionalLong count = metadata.arrayLength(key);
                if (count.isPresent() && count.getAsLong() > HyperparameterChecks.MAX_LAYERS) {
                    throw invalid(key, count.getAsLong() + " entries", "must have at most "
                            + HyperparameterChecks.MAX_LAYERS, "src/models/deepseek4.cpp:60");
                }
            }
            case "dflash" -> {
                if (metadata.u32(metadata.key("%s.hyper_connection.count")).orElse(0) > 0) {
                    positive("%s.attention.output_group_count", "src/models/dflash.cpp:71");
                    positive("%s.attention.sliding_window", "src/models/dflash.cpp:82");
                }
            }
            case "gemma-embedding" -> {
                long embd = metadata.u32(metadata.key("%s.embedding_length")).orElse(-1);
                zeroOr("%s.dense_2_feat_in", embd, "src/models/gemma-embedding.cpp:19");
                zeroOr("%s.dense_3_feat_out", embd, "src/models/gemma-embedding.cpp:20");
            }
            case "hrm_text" -> checkHrm();
            case "hy_v4" -> {
                positive("%s.attention.key_length_mla", "src/models/hy-v4.cpp:65");
                positive("%s.attention.value_length_mla", "src/models/hy-v4.cpp:65");
            }
            case "minimax-m3" -> positive("%s.attention.indexer.block_size", "src/models/minimax-m3.cpp:33");
            case "nanbeige" -> {
                String key = metadata.key("%s.num_loops");
                long loops = metadata.u32(key).orElse(1);
                if (loops < 1) {
                    throw invalid(key, "0", "must be at least 1", "src/models/nanbeige.cpp:8");
                }
                if (layers * loops > HyperparameterChecks.MAX_LAYERS) {
                    throw invalid(key, Long.toString(loops), "times the " + layers + " layers must be at most "
                            + HyperparameterChecks.MAX_LAYERS, "src/models/nanbeige.cpp:16");
                }
            }
            default -> {
                // no architecture-specific asserts at load
            }
        }
    }

    private void checkHrm() {
        String perStack = metadata.key("%s.hrm.layers_per_stack");
        String h = metadata.key("%s.hrm.h_cycles");
        String l = metadata.key("%s.hrm.l_cycles");
        OptionalLong a = metadata.u32(perStack);
        OptionalLong b = metadata.u32(h);
        OptionalLong c = metadata.u32(l);
        if (a.isEmpty() || b.isEmpty() || c.isEmpty()) {
            return; // required keys: llama.cpp throws
        }
        positive("%s.hrm.layers_per_stack", "src/models/hrm-text.cpp:17");
        positive("%s.hrm.h_cycles", "src/models/hrm-text.cpp:18");
        positive("%s.hrm.l_cycles", "src/models/hrm-text.cpp:19");
        long slots = (a.getAsLong() * b.getAsLong() * ((c.getAsLong() + 1) & 0xFFFF_FFFFL)) & 0xFFFF_FFFFL;
        if (layers != slots) {
            throw invalid(metadata.key("%s.block_count"), Long.toString(layers), "(less NextN layers) must equal "
                    + perStack + " x " + h + " x (" + l + " + 1) = " + slots, "src/models/hrm-text.cpp:23");
        }
    }

    private void positive(String pattern, String source) {
        String key = metadata.key(pattern);
        OptionalLong value = metadata.u32(key);
        if (value.isPresent() && value.getAsLong() == 0) {
            throw invalid(key, "0", "must be at least 1", source);
        }
    }

    private void zeroOr(String pattern, long allowed, String source) {
        String key = metadata.key(pattern);
        OptionalLong value = metadata.u32(key);
        if (value.isPresent() && value.getAsLong() != 0 && value.getAsLong() != allowed) {
            throw invalid(key, Long.toString(value.getAsLong()), "must be 0 or the embedding length " + allowed, source);
        }
    }

    private InvalidModelException invalid(String key, String value, String allowed, String source) {
        return new InvalidModelException(key, key + " = " + value + metadata.origin(key) + " is out of range: " + allowed
                + HyperparameterChecks.aborts(source));
    }
}
