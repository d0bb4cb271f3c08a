package io.github.panamallama;

/** Attention used for embeddings (llama.cpp's {@code llama_attention_type}). */
public enum AttentionType {
    /** Whatever the model file says. */
    MODEL_DEFAULT(-1),
    CAUSAL(0),
    NON_CAUSAL(1);

    final int nativeValue;

    AttentionType(int nativeValue) {
        this.nativeValue = nativeValue;
    }
}
