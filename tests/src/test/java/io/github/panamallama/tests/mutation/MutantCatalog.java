package io.github.panamallama.tests.mutation;

import static io.github.panamallama.tests.mutation.GgufEncoding.*;

import io.github.panamallama.MetadataOverride;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The mutants of one fixture file, in a fixed order: first a systematic part (every metadata key at
 * boundary values and wrong types, keys llama.cpp reads that the fixture lacks, every tensor info's
 * dimensions, type, offset and name, the same values as load-time overrides), then
 * {@code randomCount} mutants drawn from {@code seed} (byte flips, truncations, random values).
 * Mutant {@code i} is the same in every JVM given the same file and seed, so a child process only
 * needs the index, and a failure is reproducible from (seed, index) alone.
 *
 * <p>Plain seeded {@link Random} rather than jqwik or Jazzer: the values are chosen from what
 * llama.cpp's loader compares against (its GGML_ASSERTs), not discovered by coverage, and every
 * mutant must run in a child JVM that may die, which neither library's JUnit engine supports.
 */
public final class MutantCatalog implements MutantList {
    /** Architectures llama.cpp v0.5.0 knows (llama-arch.cpp LLM_ARCH_NAMES), and some it does not. */
    static final List<String> ARCHITECTURES = List.of("clip", "llama", "llama4", "deci", "falcon", "grok", "gpt2",
            "gptj", "gptneox", "mpt", "baichuan", "starcoder", "refact", "bert", "modern-bert", "nomic-bert",
            "nomic-bert-moe", "neo-bert", "jina-bert-v2", "jina-bert-v3", "eurobert", "bloom", "stablelm", "qwen",
            "qwen2", "qwen2moe", "qwen2vl", "qwen3", "qwen3moe", "qwen3next", "qwen3vl", "qwen3vlmoe", "qwen35",
            "qwen35moe", "qwen4exp", "phi2", "phi3", "phimoe", "plamo", "plamo2", "plamo3", "codeshell", "orion",
            "internlm2", "minicpm", "minicpm3", "gemma", "gemma2", "gemma3", "gemma3n", "gemma4", "gemma4-assistant",
            "gemma-embedding", "starcoder2", "mamba", "mamba2", "maple", "jamba", "falcon-h1", "xverse", "command-r",
            "cohere2", "cohere2moe", "dbrx", "olmo", "olmo2", "olmoe", "muse-glimmer", "openelm", "arctic",
            "deepseek", "deepseek2", "deepseek2-ocr", "deepseek32", "deepseek4", "chatglm", "glm4", "glm4moe",
            "glm-dsa", "bitnet", "t5", "t5encoder", "jais", "jais2", "nemotron", "nemotron_h", "nemotron_h_moe",
            "exaone", "exaone4", "exaone-moe", "rwkv6", "rwkv6qwen2", "rwkv7", "arwkv7", "granite", "granitemoe",
            "granitehybrid", "graniteswitch", "granite_swa", "chameleon", "wavtokenizer-dec", "plm", "bailingmoe",
            "bailingmoe2", "bailingmoe3", "dots1", "dots3note", "arcee", "afmoe", "laguna", "ernie4_5",
            "ernie4_5-moe", "hunyuan-moe", "hunyuan-dense", "hunyuan_vl", "hy_v3", "hy_v4", "smollm3", "gpt-oss",
            "lfm2", "lfm2moe", "dream", "smallthinker", "llada", "llada-moe", "seed_oss", "grovemoe", "apertus",
            "minimax-01", "hrm_text", "minimax-m2", "minimax-m3", "cogvlm", "rnd1", "pangu-embedded", "mistral3",
            "eagle3", "dflash", "mistral4", "paddleocr", "mimo2", "step35", "spark2_5", "llama-embed", "maincoder",
            "kimi-linear", "kimi-k3", "talkie", "mellum", "nanbeige", "qwen3tts", "pockettts", "(unknown)", "LLAMA",
            "mistral", "");

    private final GgufLayout base;
    private final String architecture;
    private final List<Mutant> systematic = new ArrayList<>();
    private final long seed;
    private final int randomCount;

    public MutantCatalog(GgufLayout base, long seed, int randomCount) {
        this.base = base;
        this.seed = seed;
        this.randomCount = randomCount;
        this.architecture = base.entry("general.architecture").map(e -> {
            int start = 8 + e.key().getBytes(StandardCharsets.UTF_8).length + 4 + 8;
            return new String(e.bytes(), start, e.bytes().length - start, StandardCharsets.UTF_8);
        }).orElse("llama");
        new MetadataMutations(base, architecture, systematic).addAll();
        addTensors();
        ARCHITECTURES.forEach(arch -> systematic.add(new Mutant.Rearchitect(architecture, arch)));
        addTruncations();
        addOverrides();
    }

    @Override
    public int size() {
        return systematic.size() + randomCount;
    }

    public int systematicCount() {
        return systematic.size();
    }

    @Override
    public Mutant get(int index) {
        return index < systematic.size() ? systematic.get(index) : random(index);
    }

    @Override
    public GgufLayout base() {
        return base;
    }

    private String key(String pattern) {
        return pattern.replace("%s", architecture);
    }

    // ---- tensor infos --------------------------------------------------------------------------

    private void addTensors() {
        List<GgufLayout.TensorInfo> tensors = base.tensors();
        for (int i = 0; i < tensors.size(); i++) {
            GgufLayout.TensorInfo t = tensors.get(i);
            long[] dims = t.dims();
            for (int d = 0; d < dims.length; d++) {
                for (long value : new long[] {0, 1, dims[d] - 1, dims[d] + 1, dims[d] * 2, dims[d] / 2, dims[d] - 32,
                    dims[d] + 32, 1L << 31, 1L << 40}) {
                    long[] changed = dims.clone();
                    changed[d] = value;
                    tensor(i, new GgufLayout.TensorInfo(t.name(), changed, t.type(), t.offset()));
                }
            }
            long[] swapped = dims.clone();
            if (dims.length == 2) {
                swapped[0] = dims[1];
                swapped[1] = dims[0];
                tensor(i, new GgufLayout.TensorInfo(t.name(), swapped, t.type(), t.offset()));
            }
            long[] extra = Arrays.copyOf(dims, dims.length + 1);
            extra[dims.length] = 1;
            tensor(i, new GgufLayout.TensorInfo(t.name(), extra, t.type(), t.offset()));
            extra = extra.clone();
            extra[dims.length] = 2;
            tensor(i, new GgufLayout.TensorInfo(t.name(), extra, t.type(), t.offset()));
            if (dims.length > 1) {
                tensor(i, new GgufLayout.TensorInfo(t.name(), Arrays.copyOf(dims, dims.length - 1), t.type(),
                        t.offset()));
            }
            for (int type : new int[] {0, 1, 2, 3, 4, 6, 8, 10, 12, 14, 16, 24, 30, 31, 39, 40, 41, 1000, -1}) {
                if (type != t.type()) {
                    tensor(i, new GgufLayout.TensorInfo(t.name(), dims, type, t.offset()));
                }
            }
            for (long offset : new long[] {0, t.offset() + 32, t.offset() - 32, t.offset() + 1, 1L << 40, -32}) {
                if (offset != t.offset()) {
                    tensor(i, new GgufLayout.TensorInfo(t.name(), dims, t.type(), offset));
                }
            }
            for (String name : new String[] {"", "blk.2.attn_q.weight", "blk.512.attn_q.weight",
                "blk.-1.attn_q.weight", "bogus.weight", "blk.0.attn_q.weight.x", "a".repeat(63),
                tensors.get((i + 1) % tensors.size()).name() + "_"}) {
                tensor(i, new GgufLayout.TensorInfo(name, dims, t.type(), t.offset()));
            }
            systematic.add(new Mutant.RemoveTensor(i, t.name()));
        }
    }

    private void tensor(int index, GgufLayout.TensorInfo info) {
        systematic.add(new Mutant.SetTensor(index, info));
    }

    private void addTruncations() {
        int length = base.bytes().length;
        for (int cut : new int[] {0, 4, 8, 16, 24, 100, base.dataOffset() - 1, base.dataOffset(),
            base.dataOffset() + 1, length / 2, length - 1}) {
            systematic.add(new Mutant.Truncate(cut));
        }
    }

    // ---- overrides -----------------------------------------------------------------------------

    private void addOverrides() {
        List<String> keys = new ArrayList<>();
        base.entries().forEach(e -> keys.add(e.key()));
        for (List<String> patterns : List.of(MetadataMutations.OPTIONAL_INTEGER_KEYS,
                MetadataMutations.OPTIONAL_FLOAT_KEYS, MetadataMutations.OPTIONAL_BOOL_KEYS,
                MetadataMutations.PER_LAYER_KEYS, List.of("%s.rope.scaling.type"))) {
            patterns.forEach(p -> {
                if (!keys.contains(key(p))) {
                    keys.add(key(p));
                }
            });
        }
        for (String key : keys) {
            for (long value : new long[] {0, 1, 2, -1, 8, 255, 256, 512, 513, 1999, 2000, 1L << 31, 1L << 32,
                Long.MAX_VALUE, Long.MIN_VALUE}) {
                override(new MetadataOverride.IntValue(key, value));
            }
            for (double value : new double[] {0, -1, 0.5, Double.NaN, Double.POSITIVE_INFINITY, 1e300}) {
                override(new MetadataOverride.FloatValue(key, value));
            }
            override(new MetadataOverride.BoolValue(key, true));
            override(new MetadataOverride.BoolValue(key, false));
            for (String value : List.of("", "llama", "gpt2", "bogus", "a".repeat(127))) {
                override(new MetadataOverride.StringValue(key, value));
            }
        }
        for (String arch : ARCHITECTURES) {
            if (!arch.isEmpty()) {
                override(new MetadataOverride.StringValue("general.architecture", arch));
            }
        }
        override(new MetadataOverride.IntValue(key("%s.block_count"), 4),
                new MetadataOverride.IntValue(key("%s.expert_count"), 2));
        override(new MetadataOverride.IntValue(key("%s.expert_count"), 4),
                new MetadataOverride.IntValue(key("%s.expert_used_count"), 2));
        override(new MetadataOverride.IntValue(key("%s.expert_count"), 4),
                new MetadataOverride.IntValue(key("%s.expert_used_count"), 5));
        override(new MetadataOverride.IntValue(key("%s.embedding_length"), 512),
                new MetadataOverride.IntValue(key("%s.attention.head_count"), 16));
    }

    private void override(MetadataOverride... overrides) {
        systematic.add(new Mutant.Overrides(List.of(overrides)));
    }

    // ---- random part ---------------------------------------------------------------------------

    private Mutant random(int index) {
        Random random = new Random(seed * 0x9E3779B97F4A7C15L + index);
        int kind = random.nextInt(100);
        byte[] bytes = base.bytes();
        if (kind < 60) {
            // The header (metadata and tensor infos) is where a flip changes what the loader reads.
            return new Mutant.FlipByte(random.nextInt(base.dataOffset()), 1 << random.nextInt(8));
        }
        if (kind < 70) {
            return new Mutant.FlipByte(random.nextInt(base.dataOffset()), 1 + random.nextInt(255));
        }
        if (kind < 75) {
            return new Mutant.FlipByte(random.nextInt(bytes.length), 1 + random.nextInt(255));
        }
        if (kind < 85) {
            return new Mutant.Truncate(random.nextInt(bytes.length));
        }
        if (kind < 95) {
            // A random existing key with a random integer of a random type.
            GgufLayout.Entry entry = base.entries().get(random.nextInt(base.entries().size()));
            int[] types = {UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64};
            return new Mutant.SetEntry(entry.key(), integer(types[random.nextInt(types.length)], random.nextLong()
                    >> random.nextInt(64)));
        }
        GgufLayout.Entry entry = base.entries().get(random.nextInt(base.entries().size()));
        return new Mutant.Overrides(List.of(new MetadataOverride.IntValue(entry.key(),
                random.nextLong() >> random.nextInt(64))));
    }

}
