package io.github.panamallama.convert;

import io.github.panamallama.gguf.GgmlType;

/**
 * Element type of the converted matrices. One-dimensional tensors (the norms) stay F32 whatever
 * is chosen, as llama.cpp's own converter does.
 */
public enum OutputType {
    F32(GgmlType.F32, 0),
    F16(GgmlType.F16, 1),
    BF16(GgmlType.BF16, 32);

    private final GgmlType ggmlType;
    private final int fileType;

    OutputType(GgmlType ggmlType, int fileType) {
        this.ggmlType = ggmlType;
        this.fileType = fileType;
    }

    public GgmlType ggmlType() {
        return ggmlType;
    }

    /** llama.cpp's {@code llama_ftype} for a file of this type: {@code general.file_type}. */
    public int fileType() {
        return fileType;
    }
}
