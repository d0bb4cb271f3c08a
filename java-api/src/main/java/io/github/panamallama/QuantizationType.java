package io.github.panamallama;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The file types llama.cpp can quantize a model to (its {@code llama_ftype} targets), named as
 * {@code llama-quantize} names them. Each type's main tensor type sets {@link #bitsPerWeight()};
 * the "_S/_M/_L" mixes keep some tensors (attention V, FFN down, output) at a higher type,
 * unless {@link QuantizationOptions#pure()} is set. Tensors whose rows do not divide into the
 * type's block (32 elements, or 256 for K- and I-quants) fall back to a compatible type, and
 * 1-D tensors (norms) stay F32.
 */
public enum QuantizationType {
    F32(32.0, false, "all tensors F32"),
    F16(16.0, false, "IEEE half precision"),
    BF16(16.0, false, "bfloat16"),
    Q8_0(8.5, false, "8-bit, blocks of 32"),
    Q4_0(4.5, false, "4-bit, blocks of 32, one scale"),
    Q4_1(5.0, false, "4-bit, blocks of 32, scale and minimum"),
    Q5_0(5.5, false, "5-bit, blocks of 32, one scale"),
    Q5_1(6.0, false, "5-bit, blocks of 32, scale and minimum"),
    Q2_K(2.625, false, "2-bit K-quant mix"),
    Q2_K_S(2.625, true, "2-bit K-quant, small"),
    Q3_K_S(3.4375, false, "3-bit K-quant, small"),
    Q3_K_M(3.4375, false, "3-bit K-quant mix, medium"),
    Q3_K_L(3.4375, false, "3-bit K-quant mix, large"),
    Q4_K_S(4.5, false, "4-bit K-quant, small"),
    Q4_K_M(4.5, false, "4-bit K-quant mix, medium (the usual choice)"),
    Q5_K_S(5.5, false, "5-bit K-quant, small"),
    Q5_K_M(5.5, false, "5-bit K-quant mix, medium"),
    Q6_K(6.5625, false, "6-bit K-quant"),
    IQ1_S(1.5625, true, "1.56 bpw i-quant"),
    IQ1_M(1.75, true, "1.75 bpw i-quant"),
    IQ2_XXS(2.0625, true, "2.06 bpw i-quant"),
    IQ2_XS(2.3125, true, "2.31 bpw i-quant"),
    IQ2_S(2.3125, true, "2.5 bpw i-quant mix"),
    IQ2_M(2.5625, true, "2.7 bpw i-quant mix"),
    IQ3_XXS(3.0625, true, "3.06 bpw i-quant"),
    IQ3_XS(3.4375, false, "3.3 bpw i-quant mix"),
    IQ3_S(3.4375, false, "3.44 bpw i-quant"),
    IQ3_M(3.4375, false, "3.66 bpw i-quant mix"),
    IQ4_NL(4.5, false, "4.5 bpw non-linear"),
    IQ4_XS(4.25, false, "4.25 bpw non-linear"),
    TQ1_0(1.6875, false, "1.69 bpw ternary (for ternary-trained models)"),
    TQ2_0(2.0625, false, "2.06 bpw ternary (for ternary-trained models)"),
    Q1_0(1.125, false, "1-bit, blocks of 128"),
    Q2_0(2.25, false, "2-bit, blocks of 64"),
    MXFP4_MOE(4.25, false, "MXFP4 for mixture-of-experts tensors");

    /** llama-quantize's short aliases. */
    private static final Map<String, QuantizationType> ALIASES =
            Map.of("Q3_K", Q3_K_M, "Q4_K", Q4_K_M, "Q5_K", Q5_K_M);

    private final double bitsPerWeight;
    private final boolean requiresImportanceMatrix;
    private final String description;

    QuantizationType(double bitsPerWeight, boolean requiresImportanceMatrix, String description) {
        this.bitsPerWeight = bitsPerWeight;
        this.requiresImportanceMatrix = requiresImportanceMatrix;
        this.description = description;
    }

    /**
     * Bits per weight of this type's main tensor type (block bytes x 8 / block elements): what
     * every quantizable tensor costs with {@link QuantizationOptions#pure()}.
     */
    public double bitsPerWeight() {
        return bitsPerWeight;
    }

    /**
     * True for the very low-bit types llama.cpp refuses to produce without an importance matrix
     * (computed by running the model over sample text), which {@link Quantizer} does not take.
     */
    public boolean requiresImportanceMatrix() {
        return requiresImportanceMatrix;
    }

    /**
     * The {@code llama_ftype} number llama.cpp records for this type as {@code general.file_type}
     * in the GGUF it writes (and reports as the loaded model's file type).
     */
    public int fileType() {
        return Quantizer.ftype(this);
    }

    public String description() {
        return description;
    }

    /**
     * The type for a name as {@code llama-quantize} spells it, ignoring case: {@code "q4_k_m"},
     * {@code "Q8_0"}, {@code "q4_k"} (alias of Q4_K_M), {@code "iq4-xs"} (dashes accepted).
     *
     * @throws IllegalArgumentException naming the input and listing the valid names
     */
    public static QuantizationType parse(String name) {
        String key = name.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (QuantizationType type : values()) {
            if (type.name().equals(key)) {
                return type;
            }
        }
        QuantizationType alias = ALIASES.get(key);
        if (alias != null) {
            return alias;
        }
        throw new IllegalArgumentException("unknown quantization type '" + name + "'; valid types: "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "))
                + " (aliases: Q3_K, Q4_K, Q5_K)");
    }
}
