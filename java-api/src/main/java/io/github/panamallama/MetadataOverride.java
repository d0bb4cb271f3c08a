package io.github.panamallama;

import java.nio.charset.StandardCharsets;

/**
 * Replaces one GGUF metadata value of a model at load time (llama.cpp's
 * {@code llama_model_kv_override}). Keys and string values are limited to 127 UTF-8 bytes,
 * the size of llama.cpp's fixed buffers.
 */
public sealed interface MetadataOverride {
    /** Longest key or string value in UTF-8 bytes (the C struct holds 128 with the NUL). */
    int MAX_BYTES = 127;

    String key();

    record IntValue(String key, long value) implements MetadataOverride {
        public IntValue {
            checkKey(key);
        }
    }

    record FloatValue(String key, double value) implements MetadataOverride {
        public FloatValue {
            checkKey(key);
        }
    }

    record BoolValue(String key, boolean value) implements MetadataOverride {
        public BoolValue {
            checkKey(key);
        }
    }

    record StringValue(String key, String value) implements MetadataOverride {
        public StringValue {
            checkKey(key);
            checkText("value of " + key, value);
        }
    }

    private static void checkKey(String key) {
        checkText("metadata key", key);
        if (key.isEmpty()) {
            throw new IllegalArgumentException("metadata key is empty");
        }
    }

    private static void checkText(String what, String text) {
        if (text == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains a NUL character: \"" + text + "\"");
        }
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException(what + " is " + bytes + " UTF-8 bytes, more than "
                    + MAX_BYTES + ": \"" + text + "\"");
        }
    }
}
