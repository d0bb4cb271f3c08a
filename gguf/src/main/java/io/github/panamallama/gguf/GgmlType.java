package io.github.panamallama.gguf;

import java.util.Optional;

/**
 * The element types of ggml tensors as llama.cpp v0.5.0 numbers them ({@code enum ggml_type}),
 * with the block geometry needed to size a tensor: {@code blockSize} elements are stored in
 * {@code typeSize} bytes. Ids 4, 5 and 31..33, 36..38 were removed from ggml and are absent.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    IQ2_XXS(16, 256, 66),
    IQ2_XS(17, 256, 74),
    IQ3_XXS(18, 256, 98),
    IQ1_S(19, 256, 50),
    IQ4_NL(20, 32, 18),
    IQ3_S(21, 256, 110),
    IQ2_S(22, 256, 82),
    IQ4_XS(23, 256, 136),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 56),
    BF16(30, 1, 2),
    TQ1_0(34, 256, 54),
    TQ2_0(35, 256, 66),
    MXFP4(39, 32, 17),
    NVFP4(40, 64, 36),
    Q1_0(41, 128, 18),
    Q2_0(42, 64, 18);

    private static final GgmlType[] BY_ID = new GgmlType[43];

    static {
        for (GgmlType type : values()) {
            BY_ID[type.id] = type;
        }
    }

    private final int id;
    private final int blockSize;
    private final int typeSize;

    GgmlType(int id, int blockSize, int typeSize) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    /** The number ggml and GGUF files use for this type. */
    public int id() {
        return id;
    }

    /** Elements per block (1 for plain types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int typeSize() {
        return typeSize;
    }

    public boolean isQuantized() {
        return blockSize > 1;
    }

    /** The type with this id, or empty for ids ggml does not (or no longer) know. */
    public static Optional<GgmlType> fromId(int id) {
        return id >= 0 && id < BY_ID.length ? Optional.ofNullable(BY_ID[id]) : Optional.empty();
    }

    /**
     * Bytes taken by a tensor of this type with the given ggml dimensions (innermost first).
     *
     * @throws IllegalArgumentException if a dimension is negative, the innermost is not a whole
     *     number of blocks, or the size does not fit in a long
     */
    public long byteSize(long... dimensions) {
        if (dimensions.length == 0) {
            throw new IllegalArgumentException("a tensor needs at least one dimension");
        }
        long rows = 1;
        for (int i = 0; i < dimensions.length; i++) {
            if (dimensions[i] < 0) {
                throw new IllegalArgumentException("dimension " + i + " is negative: " + dimensions[i]);
            }
            if (i > 0) {
                rows = multiply(rows, dimensions[i]);
            }
        }
        if (dimensions[0] % blockSize != 0) {
            throw new IllegalArgumentException("innermost dimension " + dimensions[0] + " of a " + this
                    + " tensor is not a multiple of its block size " + blockSize);
        }
        long rowBytes = multiply(dimensions[0] / blockSize, typeSize);
        return multiply(rowBytes, rows);
    }

    private static long multiply(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("tensor size overflows: " + a + " * " + b, e);
        }
    }
}
