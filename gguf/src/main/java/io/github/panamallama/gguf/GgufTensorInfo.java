package io.github.panamallama.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * Where one tensor lives in a GGUF file.
 *
 * @param name the tensor's name, e.g. {@code blk.0.attn_q.weight}
 * @param dimensions ggml order: innermost (contiguous) first, the reverse of PyTorch's shape
 * @param type element type
 * @param offset bytes from the start of the data section, a multiple of the file's alignment
 */
public record GgufTensorInfo(String name, long[] dimensions, GgmlType type, long offset) {
    public GgufTensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        dimensions = dimensions.clone();
        type.byteSize(dimensions); // validates the shape for the type
    }

    @Override
    public long[] dimensions() {
        return dimensions.clone();
    }

    public long elementCount() {
        long count = 1;
        for (long dimension : dimensions) {
            count = Math.multiplyExact(count, dimension);
        }
        return count;
    }

    /** Bytes of tensor data, without alignment padding. */
    public long byteSize() {
        return type.byteSize(dimensions);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GgufTensorInfo that && name.equals(that.name)
                && Arrays.equals(dimensions, that.dimensions) && type == that.type && offset == that.offset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(dimensions), type, offset);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(dimensions) + " @" + offset;
    }
}
