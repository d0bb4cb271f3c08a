package io.github.panamallama;

/**
 * Element type of the KV cache (a subset of ggml's {@code ggml_type} that llama.cpp accepts for
 * K and V). Quantized V cache types need Flash Attention.
 */
public enum CacheType {
    F32(0),
    F16(1),
    BF16(30),
    Q8_0(8),
    Q4_0(2),
    Q4_1(3),
    IQ4_NL(20),
    Q5_0(6),
    Q5_1(7);

    final int nativeValue;

    CacheType(int nativeValue) {
        this.nativeValue = nativeValue;
    }
}
