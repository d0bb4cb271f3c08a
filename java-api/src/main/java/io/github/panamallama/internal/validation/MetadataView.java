package io.github.panamallama.internal.validation;

import io.github.panamallama.MetadataOverride;
import io.github.panamallama.gguf.GgufValue;
import io.github.panamallama.gguf.GgufValueType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The metadata as llama.cpp's loader reads it (llama-model-loader.cpp, {@code GGUFMeta}): a
 * load-time override of the matching kind wins (an integer override is cast to the C++ target,
 * {@code uint32_t}, so it wraps; a float override is cast to {@code float}); an override of
 * another kind is ignored with a warning; a file value counts only if its GGUF type is exactly
 * the one read (any other type makes llama.cpp throw, which is a clean failure, so it is not
 * this class's concern and reads as absent).
 */
final class MetadataView {
    private final Map<String, GgufValue> file;
    private final Map<String, MetadataOverride> overrides = new HashMap<>();

    MetadataView(Map<String, GgufValue> file, List<MetadataOverride> overrides) {
        this.file = file;
        overrides.forEach(o -> this.overrides.put(o.key(), o));
    }

    /** {@code general.architecture}, or empty text. */
    String architecture() {
        return string("general.architecture").orElse("");
    }

    /** A key of the model's architecture: {@code "%s.block_count"} to {@code "llama.block_count"}. */
    String key(String pattern) {
        return pattern.replace("%s", architecture());
    }

    /** An unsigned 32-bit key ({@code get_key<uint32_t>}). */
    OptionalLong u32(String key) {
        if (overrides.get(key) instanceof MetadataOverride.IntValue(String ignored, long value)) {
            return OptionalLong.of(value & 0xFFFF_FFFFL);
        }
        if (file.get(key) instanceof GgufValue.UInt32(long value)) {
            return OptionalLong.of(value);
        }
        return OptionalLong.empty();
    }

    /** A float key ({@code get_key<float>}). */
    Optional<Float> f32(String key) {
        if (overrides.get(key) instanceof MetadataOverride.FloatValue(String ignored, double value)) {
            return Optional.of((float) value);
        }
        if (file.get(key) instanceof GgufValue.Float32(float value)) {
            return Optional.of(value);
        }
        return Optional.empty();
    }

    /** A bool key ({@code get_key<bool>}). */
    Optional<Boolean> bool(String key) {
        if (overrides.get(key) instanceof MetadataOverride.BoolValue(String ignored, boolean value)) {
            return Optional.of(value);
        }
        if (file.get(key) instanceof GgufValue.Bool(boolean value)) {
            return Optional.of(value);
        }
        return Optional.empty();
    }

    /** The element count of an array key of any element type ({@code get_arr_n}). */
    OptionalLong arrayLength(String key) {
        if (file.get(key) instanceof GgufValue.Array(GgufValueType ignored, List<GgufValue> elements)) {
            return OptionalLong.of(elements.size());
        }
        return OptionalLong.empty();
    }

    /** A string key ({@code get_key<std::string>}). */
    Optional<String> string(String key) {
        if (overrides.get(key) instanceof MetadataOverride.StringValue(String ignored, String value)) {
            return Optional.of(value);
        }
        if (file.get(key) instanceof GgufValue.Str(String value)) {
            return Optional.of(asCString(value));
        }
        return Optional.empty();
    }

    /**
     * A GGUF string as llama.cpp sees it: it hands strings around as {@code const char *}, so
     * the text ends at the first NUL ({@code "none\0x"} is {@code "none"}).
     */
    static String asCString(String text) {
        int nul = text.indexOf('\0');
        return nul < 0 ? text : text.substring(0, nul);
    }

    /**
     * A per-layer key ({@code get_key_or_arr}): an array of exactly {@code layers} UINT32, INT32
     * or BOOL elements (read as uint32), or a scalar repeated. An override counts only when the
     * file has the key as a scalar: llama.cpp looks the key up in the file first.
     */
    Optional<long[]> perLayer(String key, int layers) {
        GgufValue value = file.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof GgufValue.Array(GgufValueType type, List<GgufValue> elements)) {
            if (elements.size() != layers || !(type == GgufValueType.UINT32 || type == GgufValueType.INT32
                    || type == GgufValueType.BOOL)) {
                return Optional.empty(); // llama.cpp throws: wrong length or element type
            }
            long[] values = new long[layers];
            for (int i = 0; i < layers; i++) {
                GgufValue element = elements.get(i);
                values[i] = element instanceof GgufValue.Bool(boolean b) ? (b ? 1 : 0) : element.asLong() & 0xFFFF_FFFFL;
            }
            return Optional.of(values);
        }
        OptionalLong scalar = u32(key);
        if (scalar.isEmpty()) {
            return Optional.empty();
        }
        long[] values = new long[layers];
        java.util.Arrays.fill(values, scalar.getAsLong());
        return Optional.of(values);
    }

    /** An array from the file (arrays cannot be overridden). */
    Optional<List<GgufValue>> array(String key, GgufValueType elementType) {
        if (file.get(key) instanceof GgufValue.Array(GgufValueType type, List<GgufValue> elements)
                && type == elementType) {
            return Optional.of(elements);
        }
        return Optional.empty();
    }

    /** Whether the file has the key, of any type. */
    boolean has(String key) {
        return file.containsKey(key);
    }

    /** How a message names where a value came from. */
    String origin(String key) {
        return overrides.containsKey(key) ? " (set by a metadata override)" : "";
    }
}
