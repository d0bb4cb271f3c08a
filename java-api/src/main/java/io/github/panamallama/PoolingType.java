package io.github.panamallama;

/** How token embeddings are combined into one per sequence (llama.cpp's {@code llama_pooling_type}). */
public enum PoolingType {
    /** Whatever the model file says. */
    MODEL_DEFAULT(-1),
    /** No pooling: one embedding per output token. */
    NONE(0),
    MEAN(1),
    CLS(2),
    LAST(3),
    /** Reranking models: the classification head's scores. */
    RANK(4);

    final int nativeValue;

    PoolingType(int nativeValue) {
        this.nativeValue = nativeValue;
    }

    static PoolingType of(int nativeValue) {
        for (PoolingType type : values()) {
            if (type.nativeValue == nativeValue) {
                return type;
            }
        }
        return MODEL_DEFAULT;
    }
}
