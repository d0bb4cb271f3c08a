package io.github.panamallama.tests.mutation;

import static io.github.panamallama.tests.mutation.GgufEncoding.*;

import io.github.panamallama.MetadataOverride;
import java.util.ArrayList;
import java.util.List;

/**
 * One mutant per llama.cpp v0.5.0 assert that the library checks before loading (see
 * {@code io.github.panamallama.internal.validation}), through the file and, where llama.cpp
 * reads the value through an override, through an override. Each must be refused with an
 * exception naming {@link Case#key()}; the fixture's architecture is {@code llama}.
 */
public final class AssertCases implements MutantList {
    /**
     * @param source the assert, as file:line in llama.cpp v0.5.0
     * @param key the metadata key (or tensor) the refusal must name
     * @param viaOverride whether the value arrives through a load-time override
     */
    public record Case(String source, String key, boolean viaOverride, Mutant mutant) {}

    private final GgufLayout base;
    private final List<Case> cases = new ArrayList<>();

    public AssertCases(GgufLayout base) {
        this.base = base;
        both("src/llama-model.cpp:1260", "llama.block_count", List.of(), "llama.block_count", 0);
        both("src/llama-model.cpp:1260", "llama.block_count", List.of(), "llama.block_count", 513);
        both("src/llama-model.cpp:1262", "llama.nextn_predict_layers", List.of(), "llama.nextn_predict_layers", 3);
        // wavtokenizer-dec reads these keys (required) before its two asserts.
        List<Mutant.FileMutant> wavtokenizer = List.of(new Mutant.Rearchitect("llama", "wavtokenizer-dec"),
                set("wavtokenizer-dec.features_length", integer(UINT32, 256)),
                set("wavtokenizer-dec.posnet.embedding_length", integer(UINT32, 256)),
                set("wavtokenizer-dec.posnet.block_count", integer(UINT32, 1)),
                set("wavtokenizer-dec.convnext.embedding_length", integer(UINT32, 256)),
                set("wavtokenizer-dec.convnext.block_count", integer(UINT32, 1)));
        both("src/llama-model.cpp:1286", "wavtokenizer-dec.posnet.block_count", wavtokenizer,
                "wavtokenizer-dec.posnet.block_count", 3);
        both("src/llama-model.cpp:1287", "wavtokenizer-dec.convnext.block_count", wavtokenizer,
                "wavtokenizer-dec.convnext.block_count", 3);
        both("src/llama-model.cpp:1293", "llama.expert_count", List.of(), "llama.expert_count", 1025);
        List<Mutant.FileMutant> fourExperts = List.of(set("llama.expert_count", integer(UINT32, 4)),
                set("llama.expert_used_count", integer(UINT32, 2)));
        both("src/llama-model.cpp:1294", "llama.expert_used_count", fourExperts, "llama.expert_used_count", 5);
        both("src/llama-model.cpp:1296", "llama.expert_used_count", fourExperts, "llama.expert_used_count", 0);
        both("src/llama-model.cpp:1297", "llama.expert_group_count", fourExperts, "llama.expert_group_count", 4);
        both("src/llama-model.cpp:1299", "llama.expert_group_count", fourExperts, "llama.expert_group_count", 3);
        List<Mutant.FileMutant> twoGroups = new ArrayList<>(fourExperts);
        twoGroups.add(set("llama.expert_group_count", integer(UINT32, 2)));
        both("src/llama-model.cpp:1300", "llama.expert_group_used_count", twoGroups,
                "llama.expert_group_used_count", 0);
        both("src/llama-model.cpp:1301", "llama.expert_group_used_count", twoGroups,
                "llama.expert_group_used_count", 2);
        // An override of a per-layer key counts only where the file has the key (get_key_or_arr).
        both("src/llama-model.cpp:1294 (1304 is behind it)", "llama.expert_used_count",
                List.of(set("llama.expert_used_count", integer(UINT32, 0))), "llama.expert_used_count", 2);
        both("src/llama-model.cpp:1305", "llama.expert_group_count", List.of(), "llama.expert_group_count", 1);
        file("src/llama-model.cpp:1352", "llama.rope.scaling.type", set("llama.rope.scaling.type", string("bogus")));
        override("src/llama-model.cpp:1352", "llama.rope.scaling.type", List.of(),
                new MetadataOverride.StringValue("llama.rope.scaling.type", "bogus"));
        file("ggml/src/ggml-cpu/ops.cpp:3949", "llama.attention.layer_norm_rms_epsilon",
                set("llama.attention.layer_norm_rms_epsilon", float32(-1e-5f)));
        override("ggml/src/ggml-cpu/ops.cpp:3949", "llama.attention.layer_norm_rms_epsilon", List.of(),
                new MetadataOverride.FloatValue("llama.attention.layer_norm_rms_epsilon", Double.NaN));
        file("src/models/llada-moe.cpp:25", "llada-moe.expert_count", new Mutant.Rearchitect("llama", "llada-moe"));
        override("src/models/llada-moe.cpp:25", "llada-moe.expert_count",
                List.of(new Mutant.Rearchitect("llama", "llada-moe"), set("llada-moe.expert_count", integer(UINT32, 4)),
                        set("llada-moe.expert_used_count", integer(UINT32, 2))),
                new MetadataOverride.IntValue("llada-moe.expert_count", 0),
                new MetadataOverride.IntValue("llada-moe.expert_used_count", 0));
        file("ggml/src/ggml-cpu/ops.cpp:6153 (paddleocr)", "general.architecture",
                new Mutant.Rearchitect("llama", "paddleocr"));
        file("ggml/src/ggml-cpu/ops.cpp:6153 (qwen2vl)", "qwen2vl.rope.dimension_sections",
                new Mutant.Steps(List.of(new Mutant.Rearchitect("llama", "qwen2vl"),
                        set("qwen2vl.rope.dimension_sections", arrayOf(integer(INT32, 0), 4)))));
        override("ggml/src/ggml-cpu/ops.cpp:6153 (qwen2vl)", "qwen2vl.rope.dimension_sections",
                List.of(new Mutant.Rearchitect("llama", "qwen2vl"),
                        set("qwen2vl.rope.dimension_sections", integer(UINT32, 8))),
                new MetadataOverride.IntValue("qwen2vl.rope.dimension_sections", 0));
        file("src/llama-vocab.cpp:2539", "tokenizer.ggml.tokens", duplicateToken());
        // llama.cpp reads token texts as C strings: "x\0y" is "x" (found by the campaign, seed 42).
        file("src/llama-vocab.cpp:2539 (NUL)", "tokenizer.ggml.tokens", new TokenText(11, null, 10, "\0tail"));
        // Two texts that differ only in invalid UTF-8 are distinct; the same invalid bytes twice are not.
        file("src/llama-vocab.cpp:2539 (invalid UTF-8)", "tokenizer.ggml.tokens", new InvalidUtf8Twins(11, 12));
        // The fixture's texts read as RWKV escapes: "<unk>" starts with '<', no token of its own.
        file("src/llama-vocab.cpp:2571 (RWKV)", "tokenizer.ggml.tokens", set("tokenizer.ggml.model", string("rwkv")));
        override("src/llama-vocab.cpp:2571 (RWKV)", "tokenizer.ggml.tokens", List.of(),
                new MetadataOverride.StringValue("tokenizer.ggml.model", "rwkv"));
        file("src/llama-vocab.cpp:3417", "tokenizer.ggml.model", set("tokenizer.ggml.model", string("no_vocab")));
        override("src/llama-vocab.cpp:3417", "tokenizer.ggml.model", List.of(),
                new MetadataOverride.StringValue("tokenizer.ggml.model", "none"));
        file("src/llama-vocab.cpp:3202", "tokenizer.ggml.token_type", set("tokenizer.ggml.model", string("bert")));
        override("src/llama-vocab.cpp:3202", "tokenizer.ggml.token_type", List.of(),
                new MetadataOverride.StringValue("tokenizer.ggml.model", "bert"));
        file("src/llama-vocab.cpp:3193", "tokenizer.ggml.tokens", byteTokenText("\u0001\u0002"));
        file("ggml/src/ggml-backend.cpp:2511", "general.alignment", set("general.alignment", integer(UINT32, 8)));
        Mutant.FileMutant noBos = new Mutant.Steps(List.of(new Mutant.RemoveEntry("tokenizer.ggml.bos_token_id"),
                set("tokenizer.ggml.model", string("t5"))));
        file("src/llama-vocab.cpp:3549", "BOS token", noBos);
        override("src/llama-vocab.cpp:3549", "BOS token", List.of(new Mutant.RemoveEntry("tokenizer.ggml.bos_token_id")),
                new MetadataOverride.StringValue("tokenizer.ggml.model", "t5"));
        file("src/llama-model.cpp:1723", "output.scale", tiedNvfp4OutputWithScale());
        addArchitectureCases();
    }

    /**
     * token_embd.weight as NVFP4 (Q4_0 and NVFP4 rows of 256 take the same 144 bytes), no
     * output.weight (so the output is tied to it), and an F32 output.scale of one value.
     */
    private Mutant.FileMutant tiedNvfp4OutputWithScale() {
        List<GgufLayout.TensorInfo> tensors = base.tensors();
        int embd = -1;
        int output = -1;
        for (int i = 0; i < tensors.size(); i++) {
            embd = tensors.get(i).name().equals("token_embd.weight") ? i : embd;
            output = tensors.get(i).name().equals("output.weight") ? i : output;
        }
        GgufLayout.TensorInfo e = tensors.get(embd);
        GgufLayout.TensorInfo o = tensors.get(output);
        return new Mutant.Steps(List.of(
                new Mutant.SetTensor(embd, new GgufLayout.TensorInfo(e.name(), e.dims(), 40, e.offset())),
                new Mutant.SetTensor(output, new GgufLayout.TensorInfo("output.scale", new long[] {1}, 0, o.offset()))));
    }

    /** The asserts of single architectures (ArchitectureChecks), the fixture renamed to each. */
    private void addArchitectureCases() {
        archBoth("src/models/bailingmoe3.cpp:33", "bailingmoe3", "bailingmoe3.kda.gate_lower_bound",
                List.of(), "bailingmoe3.kda.gate_lower_bound", float32(0.5f),
                new MetadataOverride.FloatValue("bailingmoe3.kda.gate_lower_bound", 0));
        archBoth("src/models/bailingmoe3.cpp:32", "bailingmoe3", "bailingmoe3.kda.safe_gate",
                List.of(set("bailingmoe3.kda.gate_lower_bound", float32(-1))), "bailingmoe3.kda.safe_gate",
                integer(BOOL, 0), new MetadataOverride.BoolValue("bailingmoe3.kda.safe_gate", false));
        file("src/models/deepseek4.cpp:60", "deepseek4.attention.compress_ratios", new Mutant.Steps(List.of(
                new Mutant.Rearchitect("llama", "deepseek4"),
                set("deepseek4.attention.compress_ratios", arrayOf(integer(UINT32, 4), 513)))));
        List<Mutant.FileMutant> hyperConnections = List.of(set("dflash.hyper_connection.count", integer(UINT32, 1)),
                set("dflash.attention.sliding_window", integer(UINT32, 64)));
        archInt("src/models/dflash.cpp:71", "dflash", hyperConnections, "dflash.attention.output_group_count", 0);
        archInt("src/models/gemma-embedding.cpp:19", "gemma-embedding", List.of(), "gemma-embedding.dense_2_feat_in",
                100);
        archInt("src/models/gemma-embedding.cpp:20", "gemma-embedding", List.of(),
                "gemma-embedding.dense_3_feat_out", 100);
        List<Mutant.FileMutant> hrm = List.of(set("hrm_text.hrm.layers_per_stack", integer(UINT32, 1)),
                set("hrm_text.hrm.h_cycles", integer(UINT32, 1)));
        archInt("src/models/hrm-text.cpp:23", "hrm_text", hrm, "hrm_text.hrm.l_cycles", 2); // 1 x 1 x 3 != 2 layers
        archInt("src/models/hrm-text.cpp:19", "hrm_text", hrm, "hrm_text.hrm.l_cycles", 0);
        archInt("src/models/hy-v4.cpp:65", "hy_v4", List.of(set("hy_v4.attention.value_length_mla",
                integer(UINT32, 32))), "hy_v4.attention.key_length_mla", 0);
        archInt("src/models/minimax-m3.cpp:33", "minimax-m3", List.of(), "minimax-m3.attention.indexer.block_size", 0);
        archInt("src/models/nanbeige.cpp:8", "nanbeige", List.of(), "nanbeige.num_loops", 0);
        archInt("src/models/nanbeige.cpp:16", "nanbeige", List.of(), "nanbeige.num_loops", 300);
    }

    private void archInt(String source, String arch, List<Mutant.FileMutant> setup, String key, long value) {
        archBoth(source, arch, key, setup, key, integer(UINT32, value), new MetadataOverride.IntValue(key, value));
    }

    private void archBoth(String source, String arch, String key, List<Mutant.FileMutant> setup, String valueKey,
            Value value, MetadataOverride override) {
        List<Mutant.FileMutant> steps = new ArrayList<>();
        steps.add(new Mutant.Rearchitect("llama", arch));
        steps.addAll(setup);
        List<Mutant.FileMutant> withValue = new ArrayList<>(steps);
        withValue.add(set(valueKey, value));
        file(source, key, new Mutant.Steps(withValue));
        override(source, key, steps, override);
    }

    public List<Case> cases() {
        return cases;
    }

    @Override
    public GgufLayout base() {
        return base;
    }

    @Override
    public int size() {
        return cases.size();
    }

    @Override
    public Mutant get(int index) {
        return cases.get(index).mutant();
    }

    private static Mutant.FileMutant set(String key, Value value) {
        return new Mutant.SetEntry(key, value);
    }

    /** The integer value in the file (after {@code setup}) and, separately, as an override. */
    private void both(String source, String key, List<Mutant.FileMutant> setup, String valueKey, long value) {
        List<Mutant.FileMutant> steps = new ArrayList<>(setup);
        steps.add(set(valueKey, integer(UINT32, value)));
        file(source, key, new Mutant.Steps(steps));
        override(source, key, setup, new MetadataOverride.IntValue(valueKey, value));
    }

    private void file(String source, String key, Mutant.FileMutant mutant) {
        cases.add(new Case(source, key, false, mutant));
    }

    private void override(String source, String key, List<Mutant.FileMutant> setup, MetadataOverride... overrides) {
        Mutant.FileMutant file = setup.isEmpty() ? null : new Mutant.Steps(setup);
        cases.add(new Case(source, key, true, new Mutant.Overrides(List.of(overrides), file)));
    }

    /** Token 11 given the text of token 10. */
    private Mutant.FileMutant duplicateToken() {
        return new TokenText(11, null, 10, "");
    }

    /** A BYTE token (id 3 is {@code <0x00>} in the fixture) with a short text. */
    private Mutant.FileMutant byteTokenText(String text) {
        return new TokenText(3, text, -1, "");
    }

    /** Tokens {@code first} and {@code second} both set to the bytes {@code 'x', 0xff} (invalid UTF-8). */
    record InvalidUtf8Twins(int first, int second) implements Mutant.FileMutant {
        @Override
        public byte[] apply(GgufLayout base) {
            GgufLayout.Entry entry = base.entry("tokenizer.ggml.tokens").orElseThrow();
            List<String> tokens = TokenArrays.strings(entry);
            Value[] values = new Value[tokens.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = i == first || i == second ? GgufEncoding.string(new byte[] {'x', (byte) 0xff}, "x\\xff")
                        : GgufEncoding.string(tokens.get(i));
            }
            return new Mutant.SetEntry(entry.key(), arrayOf(STRING, values, "")).apply(base);
        }

        @Override
        public String recipe() {
            return "set tokenizer.ggml.tokens[" + first + "] and [" + second + "] to the bytes 78 ff";
        }
    }

    /** Replaces one token's text: with {@code text}, or with the text of token {@code copyOf}. */
    record TokenText(int index, String text, int copyOf, String suffix) implements Mutant.FileMutant {
        @Override
        public byte[] apply(GgufLayout base) {
            GgufLayout.Entry entry = base.entry("tokenizer.ggml.tokens").orElseThrow();
            List<String> tokens = TokenArrays.strings(entry);
            List<String> changed = new ArrayList<>(tokens);
            changed.set(index, (text != null ? text : tokens.get(copyOf)) + suffix);
            Value[] values = changed.stream().map(GgufEncoding::string).toArray(Value[]::new);
            return new Mutant.SetEntry(entry.key(), arrayOf(STRING, values, "")).apply(base);
        }

        @Override
        public String recipe() {
            return "set tokenizer.ggml.tokens[" + index + "] to " + (text != null ? "'" + text + "'" : "the text of token "
                    + copyOf) + (suffix.isEmpty() ? "" : " + " + suffix.replace("\0", "\\0"));
        }
    }
}
