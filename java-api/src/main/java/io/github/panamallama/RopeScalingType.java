package io.github.panamallama;

/** How RoPE positions are scaled beyond the trained context (llama.cpp's {@code llama_rope_scaling_type}). */
public enum RopeScalingType {
    /** Whatever the model file says. */
    MODEL_DEFAULT(-1),
    NONE(0),
    LINEAR(1),
    YARN(2),
    LONGROPE(3);

    final int nativeValue;

    RopeScalingType(int nativeValue) {
        this.nativeValue = nativeValue;
    }
}
