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

    /** String values some keys compare against. */
    static final List<String> TOKENIZER_MODELS = List.of("llama", "gpt2", "bert", "t5", "rwkv", "plamo2", "ugm",
            "no_vocab", "none", "bogus");
    static final List<String> TOKENIZER_PRES = List.of("default", "llama3", "llama-bpe", "deepseek-llm", "gpt-2",
            "qwen2", "tekken", "bogus");
    static final List<String> ROPE_SCALING = List.of("none", "linear", "yarn", "longrope", "bogus", "");

    /** Keys llama.cpp reads for a llama model that the fixture does not have ("%s" is the architecture). */
    static final List<String> OPTIONAL_INTEGER_KEYS = List.of("%s.expert_count", "%s.expert_used_count",
            "%s.expert_group_count", "%s.expert_group_used_count", "%s.nextn_predict_layers",
            "%s.attention.key_length", "%s.attention.value_length", "%s.attention.key_length_swa",
            "%s.attention.value_length_swa", "%s.rope.dimension_count_swa",
            "%s.rope.scaling.original_context_length", "%s.pooling_type", "%s.embedding_length_out",
            "%s.attention.sliding_window", "tokenizer.ggml.token_type_count", "tokenizer.ggml.padding_token_id",
            "tokenizer.ggml.seperator_token_id", "tokenizer.ggml.cls_token_id", "tokenizer.ggml.mask_token_id",
            "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id", "tokenizer.ggml.fim_pre_token_id",
            "tokenizer.ggml.fim_suf_token_id", "tokenizer.ggml.fim_mid_token_id", "tokenizer.ggml.fim_pad_token_id",
            "tokenizer.ggml.fim_rep_token_id", "tokenizer.ggml.fim_sep_token_id", "tokenizer.ggml.prefix_token_id",
            "general.alignment");
    static final List<String> OPTIONAL_FLOAT_KEYS = List.of("%s.rope.scaling.factor", "%s.rope.scale_linear",
            "%s.rope.scaling.attn_factor", "%s.attention.max_alibi_bias", "%s.logit_scale");
    static final List<String> OPTIONAL_BOOL_KEYS = List.of("%s.rope.scaling.finetuned", "%s.attention.causal",
            "tokenizer.ggml.add_sep_token", "tokenizer.ggml.remove_extra_whitespaces",
            "tokenizer.ggml.normalizer.lowercase");
    static final List<String> PER_LAYER_KEYS = List.of("%s.feed_forward_length", "%s.attention.head_count",
            "%s.attention.head_count_kv", "%s.expert_used_count");

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
        addExistingKeys();
        addOptionalKeys();
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

    // ---- metadata in the file ------------------------------------------------------------------

    private void addExistingKeys() {
        for (GgufLayout.Entry entry : base.entries()) {
            String key = entry.key();
            switch (entry.type()) {
                case STRING -> stringValues(key);
                case FLOAT32, FLOAT64 -> floatValues(key);
                case BOOL -> boolValues(key);
                case ARRAY -> arrayValues(entry);
                default -> integerValues(key, entry.type(), originalInteger(entry));
            }
            systematic.add(new Mutant.RemoveEntry(key));
        }
    }

    private static long originalInteger(GgufLayout.Entry entry) {
        byte[] b = entry.bytes();
        int start = b.length - scalarSize(entry.type());
        long value = 0;
        for (int i = scalarSize(entry.type()) - 1; i >= 0; i--) {
            value = (value << 8) | (b[start + i] & 0xFF);
        }
        return value;
    }

    private void integerValues(String key, int type, long original) {
        long[] values = {0, 1, 2, -1, original - 1, original + 1, original * 2, original / 2, 7, 8, 255, 256, 257,
            511, 512, 513, 1999, 2000, 2001, 65536, Integer.MAX_VALUE, 1L << 31, 0xFFFF_FFFFL};
        for (long value : values) {
            set(key, integer(type, value));
        }
        for (int other : new int[] {UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64, BOOL}) {
            if (other != type) {
                set(key, integer(other, other == BOOL ? 1 : original));
            }
        }
        for (long huge : new long[] {1L << 32, (1L << 32) + original, Long.MAX_VALUE, Long.MIN_VALUE, -1}) {
            set(key, integer(UINT64, huge));
            set(key, integer(INT64, huge));
        }
        set(key, float32(original));
        set(key, float32(Float.NaN));
        set(key, float64(original));
        set(key, string(Long.toString(original)));
        set(key, string(""));
        for (int length : new int[] {0, 1, 2, 3, 513}) {
            set(key, arrayOf(integer(type, original), length));
        }
        set(key, arrayOf(string("x"), 2));
    }

    private void floatValues(String key) {
        float[] values = {0f, -0f, 1f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE, Float.MAX_VALUE, 1e-30f, 1e30f, -1e-5f, 1e-5f, 0.5f};
        for (float value : values) {
            set(key, float32(value));
        }
        for (double value : new double[] {0, Double.NaN, 1e300, 1e6}) {
            set(key, float64(value));
        }
        set(key, integer(UINT32, 0));
        set(key, integer(INT32, -1));
        set(key, integer(UINT32, 1000000));
        set(key, string("1e6"));
        set(key, arrayOf(float32(1e-5f), 0));
        set(key, arrayOf(float32(1e-5f), 2));
    }

    private void boolValues(String key) {
        set(key, integer(BOOL, 0));
        set(key, integer(BOOL, 1));
        set(key, integer(UINT8, 1));
        set(key, integer(INT32, 1));
        set(key, string("true"));
        set(key, arrayOf(integer(BOOL, 1), 2));
    }

    private void stringValues(String key) {
        List<String> candidates = switch (key) {
            case "general.architecture" -> ARCHITECTURES;
            case "tokenizer.ggml.model" -> TOKENIZER_MODELS;
            case "tokenizer.ggml.pre" -> TOKENIZER_PRES;
            case "general.type" -> List.of("model", "adapter", "mmproj", "vocab", "bogus");
            default -> List.of();
        };
        candidates.forEach(value -> set(key, string(value)));
        set(key, string(""));
        set(key, string("x"));
        set(key, string("a".repeat(70_000)));
        set(key, string(new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0xC0, 'a'}, "invalid UTF-8 ff fe c0 61"));
        set(key, string(new byte[] {'l', 0, 'l'}, "l\\0l"));
        set(key, integer(UINT32, 0));
        set(key, arrayOf(string("llama"), 1));
        set(key, arrayOf(string("llama"), 0));
    }

    private void arrayValues(GgufLayout.Entry entry) {
        String key = entry.key();
        byte[] b = entry.bytes();
        int keyLength = key.getBytes(StandardCharsets.UTF_8).length;
        int elementType = readInt(b, 8 + keyLength + 4);
        int count = (int) readLong(b, 8 + keyLength + 8);
        int payloadStart = 8 + keyLength + 16;
        // The same elements, fewer or more of them.
        for (int length : new int[] {0, 1, count - 1, count + 1, count * 2}) {
            set(key, resized(b, payloadStart, elementType, count, length));
        }
        // Wrong element types.
        for (int type : new int[] {UINT8, INT32, UINT32, FLOAT32, STRING, INT64, BOOL}) {
            if (type != elementType) {
                Value element = type == STRING ? string("1") : type == FLOAT32 ? float32(1f) : integer(type, 1);
                set(key, arrayOf(element, count));
            }
        }
        set(key, string("not an array"));
        set(key, integer(UINT32, count));
        // Bad elements at the first, an inner and the last position.
        List<Value> bad = switch (elementType) {
            case INT32 -> List.of(integer(INT32, -1), integer(INT32, 0), integer(INT32, 7), integer(INT32, 100),
                    integer(INT32, Integer.MIN_VALUE));
            case FLOAT32 -> List.of(float32(Float.NaN), float32(Float.NEGATIVE_INFINITY), float32(Float.MAX_VALUE));
            case STRING -> List.of(string(""), string(new byte[] {(byte) 0xFF}, "invalid UTF-8 ff"),
                    string("a".repeat(70_000)), string(new byte[] {0}, "\\0"), string("<s>"), string("▁"),
                    string("a"));
            default -> List.of();
        };
        for (Value value : bad) {
            for (int index : new int[] {0, 1, 2, 3, count / 2, count - 1}) {
                set(key, withElement(b, payloadStart, elementType, count, index, value));
            }
        }
    }

    private Value resized(byte[] entry, int payloadStart, int elementType, int count, int length) {
        List<byte[]> elements = elements(entry, payloadStart, elementType, count);
        Value[] values = new Value[length];
        for (int i = 0; i < length; i++) {
            values[i] = asValue(elementType, elements.get(i % count));
        }
        return arrayOf(elementType, values, "arr[" + length + " of the " + count + " " + NAMES[elementType]
                + " elements, repeated]");
    }

    private Value withElement(byte[] entry, int payloadStart, int elementType, int count, int index, Value value) {
        List<byte[]> elements = elements(entry, payloadStart, elementType, count);
        Value[] values = new Value[count];
        for (int i = 0; i < count; i++) {
            values[i] = i == index ? value : asValue(elementType, elements.get(i));
        }
        return arrayOf(elementType, values, "arr[" + count + "] with [" + index + "] = " + value);
    }

    private static Value asValue(int type, byte[] payload) {
        byte[] bytes = new byte[4 + payload.length];
        bytes[0] = (byte) type;
        System.arraycopy(payload, 0, bytes, 4, payload.length);
        return new Value(bytes, "");
    }

    private static List<byte[]> elements(byte[] entry, int start, int type, int count) {
        List<byte[]> elements = new ArrayList<>(count);
        int position = start;
        for (int i = 0; i < count; i++) {
            int size = type == STRING ? 8 + (int) readLong(entry, position) : scalarSize(type);
            elements.add(Arrays.copyOfRange(entry, position, position + size));
            position += size;
        }
        return elements;
    }

    // ---- keys llama.cpp reads that the fixture lacks -------------------------------------------

    private void addOptionalKeys() {
        long[] integers = {0, 1, 2, 3, 4, 8, 16, 64, 256, 257, 512, 513, 1999, 2000, 0xFFFF_FFFFL};
        for (String pattern : OPTIONAL_INTEGER_KEYS) {
            for (long value : integers) {
                set(key(pattern), integer(UINT32, value));
            }
            set(key(pattern), integer(INT32, -1));
            set(key(pattern), integer(UINT64, 1L << 40));
            set(key(pattern), float32(1.5f));
            set(key(pattern), string("1"));
        }
        for (String pattern : OPTIONAL_FLOAT_KEYS) {
            for (float value : new float[] {0, -1, 0.5f, 4, Float.NaN, Float.POSITIVE_INFINITY, 1e-30f, 1e30f}) {
                set(key(pattern), float32(value));
            }
        }
        for (String pattern : OPTIONAL_BOOL_KEYS) {
            set(key(pattern), integer(BOOL, 0));
            set(key(pattern), integer(BOOL, 1));
            set(key(pattern), integer(UINT32, 1));
        }
        for (String value : ROPE_SCALING) {
            set(key("%s.rope.scaling.type"), string(value));
        }
        set(key("%s.rope.scaling.type"), integer(UINT32, 1));
        for (String pattern : PER_LAYER_KEYS) {
            for (int length : new int[] {0, 1, 2, 3, 512}) {
                for (long element : new long[] {0, 1, 2, 8, 0xFFFF_FFFFL}) {
                    set(key(pattern), arrayOf(integer(UINT32, element), length));
                }
            }
            set(key(pattern), arrayOf(INT32, new Value[] {integer(INT32, 8), integer(INT32, 0)}, "arr[i32 8, 0]"));
            set(key(pattern), arrayOf(INT32, new Value[] {integer(INT32, 0), integer(INT32, 8)}, "arr[i32 0, 8]"));
            set(key(pattern), arrayOf(INT32, new Value[] {integer(INT32, 8), integer(INT32, 16)}, "arr[i32 8, 16]"));
            set(key(pattern), arrayOf(float32(8), 2));
        }
        for (int length : new int[] {0, 1, 3, 4, 100}) {
            set("tokenizer.ggml.precompiled_charsmap", arrayOf(integer(UINT8, 0xFF), length));
        }
        set("tokenizer.ggml.precompiled_charsmap", arrayOf(string("x"), 4));
        for (int length : new int[] {0, 1, 3}) {
            set("tokenizer.ggml.merges", arrayOf(string("a b"), length));
        }
        set("tokenizer.ggml.merges", arrayOf(string("ab"), 1));
        set("tokenizer.ggml.merges", arrayOf(string(""), 1));
        set("tokenizer.ggml.merges", arrayOf(integer(INT32, 1), 2));
        for (long id : new long[] {0, -1, 1999, 2000, Integer.MAX_VALUE}) {
            set("tokenizer.ggml.suppress_tokens", arrayOf(integer(INT32, id), 2));
        }
        set("tokenizer.ggml.suppress_tokens", arrayOf(integer(UINT32, 1), 2));
        set(key("%s.classifier.output_labels"), arrayOf(string("a"), 3));
        set(key("%s.classifier.output_labels"), arrayOf(string("a"), 0));
        set(key("%s.rope.dimension_sections"), arrayOf(integer(INT32, 8), 4));
        for (String template : List.of("", "{{", "{% for m in messages %}{{ m.content }}{% endfor %}",
                "a".repeat(70_000))) {
            set("tokenizer.chat_template", string(template));
        }
        set("tokenizer.chat_template", integer(UINT32, 1));
    }

    private void set(String key, Value value) {
        systematic.add(new Mutant.SetEntry(key, value));
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
        for (List<String> patterns : List.of(OPTIONAL_INTEGER_KEYS, OPTIONAL_FLOAT_KEYS, OPTIONAL_BOOL_KEYS,
                PER_LAYER_KEYS, List.of("%s.rope.scaling.type"))) {
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

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    private static long readLong(byte[] b, int at) {
        return (readInt(b, at) & 0xFFFF_FFFFL) | ((long) readInt(b, at + 4)) << 32;
    }
}
