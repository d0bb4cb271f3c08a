package io.github.panamallama;

/** Whether to use Flash Attention (llama.cpp's {@code llama_flash_attn_type}). */
public enum FlashAttention {
    /** Use it where the backend supports it. */
    AUTO(-1),
    DISABLED(0),
    ENABLED(1);

    final int nativeValue;

    FlashAttention(int nativeValue) {
        this.nativeValue = nativeValue;
    }
}
