package io.github.panamallama.convert;

import java.io.Closeable;
import java.util.List;

/** The tensors of one checkpoint (all shards of it), in the order they are stored. */
public interface Checkpoint extends Closeable {
    List<TensorSource> tensors();
}
