package io.github.panamallama.convert;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;

/**
 * One tensor of a checkpoint, readable on its own: converters stream tensors one at a time
 * so that memory stays bounded whatever the checkpoint's size.
 */
public interface TensorSource {
    /** The name as the checkpoint spells it, e.g. {@code layers.0.attention.wq.weight}. */
    String name();

    SourceType type();

    /** Dimensions in PyTorch order: outermost first, row-major. */
    long[] shape();

    /** Element count times element size. */
    default long byteSize() {
        long elements = 1;
        for (long dimension : shape()) {
            elements = Math.multiplyExact(elements, dimension);
        }
        return Math.multiplyExact(elements, type().bytes());
    }

    /** The raw little-endian bytes in row-major order, exactly {@link #byteSize()} of them. */
    ReadableByteChannel open() throws IOException;
}
