package io.github.panamallama.tests.mutation;

import static io.github.panamallama.tests.mutation.GgufEncoding.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The metadata part of the campaign: every key of the fixture at boundary values, in other types,
 * as strings and arrays, each array resized and with bad elements, and the keys llama.cpp reads
 * for the architecture that the fixture lacks.
 */
final class MetadataMutations {
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
    private final List<Mutant> systematic;

    MetadataMutations(GgufLayout base, String architecture, List<Mutant> out) {
        this.base = base;
        this.architecture = architecture;
        this.systematic = out;
    }

    void addAll() {
        addExistingKeys();
        addOptionalKeys();
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
            case "general.architecture" -> MutantCatalog.ARCHITECTURES;
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

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    private static long readLong(byte[] b, int at) {
        return (readInt(b, at) & 0xFFFF_FFFFL) | ((long) readInt(b, at + 4)) << 32;
    }
}
