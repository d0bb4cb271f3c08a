package io.github.panamallama.examples;

import io.github.panamallama.LlamaModel;

/**
 * The size of a context's KV cache, computed from the model's dimensions: every layer keeps a
 * key and a value vector of {@code kv_heads * head_dim} elements per token, in F16 (2 bytes,
 * the context's default cache type). llama.cpp allocates exactly this for a Mistral model (for
 * the tiny fixture at 32768 tokens its log says "llama_kv_cache: size = 16.00 MiB", the
 * 16777216 bytes computed here); its API has no call that reports the allocation itself.
 */
record KvCacheSize(int layers, int tokens, int kvHeads, int keyLength, int valueLength) {
    static final int F16_BYTES = 2;

    static KvCacheSize of(LlamaModel model, int tokens) {
        String arch = model.architecture();
        int headDim = model.embeddingLength() / model.headCount();
        int keyLength = intMetadata(model, arch + ".attention.key_length", headDim);
        int valueLength = intMetadata(model, arch + ".attention.value_length", headDim);
        return new KvCacheSize(model.layerCount(), tokens, model.kvHeadCount(), keyLength, valueLength);
    }

    private static int intMetadata(LlamaModel model, String key, int fallback) {
        return model.metadata(key).map(value -> {
            try {
                return Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                return fallback;
            }
        }).orElse(fallback);
    }

    long bytesPerToken() {
        return (long) layers * kvHeads * (keyLength + valueLength) * F16_BYTES;
    }

    long bytes() {
        return bytesPerToken() * tokens;
    }

    String formula() {
        return String.format("%d layers x %d tokens x %d KV heads x (%d key + %d value dims) x %d bytes (F16)",
                layers, tokens, kvHeads, keyLength, valueLength, F16_BYTES);
    }
}
