package io.github.panamallama.internal.validation;

import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The hyperparameters llama.cpp v0.5.0 asserts on while loading a model or building its first
 * graph, checked first so that a bad value is an exception instead of an aborted process.
 * llama.cpp reads them only for a full load (not {@code vocab_only}, not CLIP).
 *
 * <p>Covered (file:line in llama.cpp v0.5.0):
 * <ul>
 * <li>src/llama-model.cpp:1260 {@code n_layer_all > 0 && n_layer_all <= LLAMA_MAX_LAYERS (512)}
 * <li>src/llama-model.cpp:1262 {@code n_layer_nextn <= n_layer_all}
 * <li>src/llama-model.cpp:1286-1287 (wavtokenizer-dec) posnet and convnext block counts {@code <= n_layer_all}
 * <li>src/llama-model.cpp:1293 {@code n_expert <= LLAMA_MAX_EXPERTS (1024)}
 * <li>src/llama-model.cpp:1294 {@code n_expert_used_max <= n_expert}
 * <li>src/llama-model.cpp:1296 {@code n_expert > 0} implies {@code n_expert_used_max > 0}
 * <li>src/llama-model.cpp:1297 {@code n_expert > 0} implies {@code n_expert_groups < n_expert}
 * <li>src/llama-model.cpp:1299-1301 {@code n_expert_groups > 1} implies divisibility, {@code 0 < n_group_used < n_expert_groups}
 * <li>src/llama-model.cpp:1304-1305 {@code n_expert == 0} implies no experts used and no groups
 * <li>src/llama-model.cpp:1352 rope scaling type is none, linear, yarn or longrope
 * <li>ggml/src/ggml-cpu/ops.cpp:3843, 3949, 4319 ({@code ggml_norm}, {@code ggml_rms_norm},
 *     {@code ggml_group_norm} at the first decode): epsilon {@code >= 0} (NaN fails)
 * <li>src/models/{bailingmoe2,grovemoe,llada-moe,smallthinker}.cpp, glm4-moe.cpp:42 (graph):
 *     these mixture-of-experts architectures need experts
 * <li>ggml/src/ggml-cpu/ops.cpp:6153 (first decode): M-RoPE architectures need a nonzero rope section
 * <li>the asserts of single architectures' {@code load_arch_hparams}: {@link ArchitectureChecks}
 * </ul>
 * Not reachable from a file, so not checked: src/llama-model-loader.cpp:1316/1324 (the no-file
 * path), :1203-1229 (tensor naming, fixed in code), src/llama-model.cpp:3082 (an unknown
 * architecture is refused earlier with an exception), the {@code gguf_get_*} type asserts of
 * ggml/src/gguf.cpp (llama.cpp checks each type before it calls them).
 */
final class HyperparameterChecks {
    static final int MAX_LAYERS = 512;      // LLAMA_MAX_LAYERS, src/llama-hparams.h:11
    static final int MAX_EXPERTS = 1024;    // LLAMA_MAX_EXPERTS, src/llama-hparams.h:12
    static final Set<String> ROPE_SCALING_TYPES = Set.of("none", "linear", "yarn", "longrope");

    /** Architectures whose graph asserts {@code n_expert > 0} (and most, {@code n_expert_used > 0}). */
    static final Set<String> EXPERTS_REQUIRED = Set.of("bailingmoe2", "grovemoe", "llada-moe", "smallthinker",
            "glm4moe");
    /** Architectures whose rope type is M-RoPE or IM-RoPE unconditionally (llama_model_rope_type). */
    static final Set<String> MROPE = Set.of("qwen2vl", "paddleocr", "qwen3vl", "qwen3vlmoe", "qwen35", "qwen35moe",
            "qwen4exp", "qwen3tts");

    private final MetadataView metadata;

    HyperparameterChecks(MetadataView metadata) {
        this.metadata = metadata;
    }

    void check() {
        String arch = metadata.architecture();
        if (arch.equals("clip")) {
            return; // llama.cpp reads no hyperparameters for CLIP (and refuses it as a main model)
        }
        String blockKey = metadata.key("%s.block_count");
        OptionalLong blocks = metadata.u32(blockKey);
        if (blocks.isEmpty()) {
            return; // llama.cpp throws "key not found" (or wrong type) before anything below
        }
        long layers = blocks.getAsLong();
        range(blockKey, layers, 1, MAX_LAYERS, "src/llama-model.cpp:1260");
        atMost("%s.nextn_predict_layers", layers, blockKey, "src/llama-model.cpp:1262");
        if (arch.equals("wavtokenizer-dec")) {
            atMost("%s.posnet.block_count", layers, blockKey, "src/llama-model.cpp:1286");
            atMost("%s.convnext.block_count", layers, blockKey, "src/llama-model.cpp:1287");
        }
        checkExperts(arch, (int) layers);
        long nextn = metadata.u32(metadata.key("%s.nextn_predict_layers")).orElse(0);
        new ArchitectureChecks(metadata, layers - nextn).check();
        checkRopeScaling();
        checkEpsilons();
        checkMrope(arch);
    }

    private void checkExperts(String arch, int layers) {
        String expertKey = metadata.key("%s.expert_count");
        String usedKey = metadata.key("%s.expert_used_count");
        String groupKey = metadata.key("%s.expert_group_count");
        String groupUsedKey = metadata.key("%s.expert_group_used_count");
        long experts = metadata.u32(expertKey).orElse(0);
        long[] used = metadata.perLayer(usedKey, layers).orElse(new long[layers]);
        if ((arch.equals("hunyuan_vl") || arch.equals("hunyuan-dense")) && experts <= 1) {
            experts = 0; // llama-model.cpp:1268 treats one expert as none
            used = new long[layers];
        }
        long usedMax = Arrays.stream(used).max().orElse(0);
        long groups = metadata.u32(groupKey).orElse(0);
        long groupUsed = metadata.u32(groupUsedKey).orElse(0);
        String at = "src/llama-model.cpp:";
        if (experts > MAX_EXPERTS) {
            fail(expertKey, experts, "must be at most " + MAX_EXPERTS + " (LLAMA_MAX_EXPERTS)", at + 1293);
        }
        if (usedMax > experts) {
            fail(usedKey, usedMax, "must be at most " + expertKey + " = " + experts, at + 1294);
        }
        if (experts > 0) {
            if (usedMax == 0) {
                fail(usedKey, usedMax, "must be at least 1 when " + expertKey + " = " + experts, at + 1296);
            }
            if (groups >= experts) {
                fail(groupKey, groups, "must be less than " + expertKey + " = " + experts, at + 1297);
            }
            if (groups > 1) {
                if (experts % groups != 0) {
                    fail(groupKey, groups, "must divide " + expertKey + " = " + experts, at + 1299);
                }
                if (groupUsed == 0 || groupUsed >= groups) {
                    fail(groupUsedKey, groupUsed, "must be in [1, " + (groups - 1) + "] when " + groupKey + " = "
                            + groups, at + 1300);
                }
            }
        } else {
            if (usedMax != 0) {
                fail(usedKey, usedMax, "must be 0 when the model has no experts (" + expertKey + " absent or 0)",
                        at + 1304);
            }
            if (groups != 0) {
                fail(groupKey, groups, "must be 0 when the model has no experts (" + expertKey + " absent or 0)",
                        at + 1305);
            }
            if (EXPERTS_REQUIRED.contains(arch)) {
                fail(expertKey, experts, "must be at least 1 for architecture '" + arch + "'",
                        "src/models/" + arch + " graph");
            }
        }
    }

    private void checkRopeScaling() {
        String key = metadata.key("%s.rope.scaling.type");
        Optional<String> type = metadata.string(key);
        if (type.isPresent() && !ROPE_SCALING_TYPES.contains(type.get())) {
            throw new InvalidModelException(key, key + " = '" + type.get() + "'" + metadata.origin(key)
                    + " is not a RoPE scaling type: must be one of none, linear, yarn, longrope"
                    + aborts("src/llama-model.cpp:1352"));
        }
    }

    private void checkEpsilons() {
        for (String pattern : new String[] {"%s.attention.layer_norm_epsilon", "%s.attention.layer_norm_rms_epsilon",
            "%s.attention.group_norm_epsilon"}) {
            String key = metadata.key(pattern);
            Optional<Float> eps = metadata.f32(key);
            if (eps.isPresent() && !(eps.get() >= 0f)) {
                throw new InvalidModelException(key, key + " = " + eps.get() + metadata.origin(key)
                        + " is out of range: must be >= 0 (and not NaN)"
                        + aborts("ggml/src/ggml-cpu/ops.cpp:3843/3949/4319, at the first decode"));
            }
        }
    }

    private void checkMrope(String arch) {
        if (!MROPE.contains(arch)) {
            return;
        }
        String key = metadata.key("%s.rope.dimension_sections");
        if (arch.equals("paddleocr")) {
            // Its loader never reads the sections, so they stay 0 and the first decode aborts.
            throw new InvalidModelException("general.architecture", "general.architecture = 'paddleocr' cannot run as"
                    + " a language model in llama.cpp v0.5.0: M-RoPE without rope sections"
                    + aborts("ggml/src/ggml-cpu/ops.cpp:6153, at the first decode"));
        }
        Optional<long[]> read = metadata.perLayer(key, 4);
        if (read.isEmpty() && metadata.has(key)) {
            return; // present but not 4 integers: llama.cpp throws
        }
        long[] sections = read.orElse(new long[4]); // absent: zeros (or "key not found" where required)
        boolean any = false;
        for (int i = 0; i < Math.min(3, sections.length); i++) {
            any |= (int) sections[i] > 0;
        }
        if (!any) {
            throw new InvalidModelException(key, key + " = " + Arrays.toString(sections) + " has no positive"
                    + " section among the first three; architecture '" + arch + "' uses M-RoPE"
                    + aborts("ggml/src/ggml-cpu/ops.cpp:6153, at the first decode"));
        }
    }

    private void range(String key, long value, long min, long max, String source) {
        if (value < min || value > max) {
            fail(key, value, "must be in [" + min + ", " + max + "]", source);
        }
    }

    private void atMost(String pattern, long limit, String limitKey, String source) {
        String key = metadata.key(pattern);
        OptionalLong value = metadata.u32(key);
        if (value.isPresent() && value.getAsLong() > limit) {
            fail(key, value.getAsLong(), "must be at most " + limitKey + " = " + limit, source);
        }
    }

    private void fail(String key, long value, String allowed, String source) {
        throw new InvalidModelException(key, key + " = " + value + metadata.origin(key) + " is out of range: "
                + allowed + aborts(source));
    }

    static String aborts(String source) {
        return " (llama.cpp v0.5.0 would abort the process: " + source + ")";
    }
}
