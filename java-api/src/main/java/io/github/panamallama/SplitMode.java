package io.github.panamallama;

/** How a model is split across several GPUs (llama.cpp's {@code llama_split_mode}). */
public enum SplitMode {
    /** One GPU: {@link ModelOptions#mainGpu()} holds the whole model. */
    NONE(0),
    /** Whole layers and their KV cache are spread across the GPUs. */
    LAYER(1),
    /** Layers are split by rows, using tensor parallelism where supported. */
    ROW(2),
    /** Tensors are split across the GPUs. */
    TENSOR(3);

    final int nativeValue;

    SplitMode(int nativeValue) {
        this.nativeValue = nativeValue;
    }
}
