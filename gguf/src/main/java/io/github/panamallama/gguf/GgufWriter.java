package io.github.panamallama.gguf;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes a GGUF v3 file in one pass with bounded memory: the header, metadata and tensor infos
 * go out first (offsets are computed from the declared shapes), then the data of each declared
 * tensor, in declaration order, through {@link #nextTensor()}.
 *
 * <pre>{@code
 * GgufWriter.Builder builder = GgufWriter.builder().put("general.architecture", GgufValue.string("llama"));
 * builder.tensor("output.weight", GgmlType.F16, 4096, 32000);
 * try (GgufWriter writer = builder.create(path)) {
 *     try (WritableByteChannel data = writer.nextTensor()) { ... exactly byteSize bytes ... }
 * }
 * }</pre>
 */
public final class GgufWriter implements Closeable {
    private final OutputStream out;
    private final List<GgufTensorInfo> tensors;
    private final int alignment;
    private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    private long written;
    private int nextTensor;
    private TensorOutput current;
    private boolean closed;

    /** A declared tensor: ggml dimension order, innermost first. */
    private record TensorSpec(String name, GgmlType type, long[] dimensions) {
        public TensorSpec {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            dimensions = dimensions.clone();
        }

        @Override
        public long[] dimensions() {
            return dimensions.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof TensorSpec that && name.equals(that.name) && type == that.type
                    && Arrays.equals(dimensions, that.dimensions);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, type, Arrays.hashCode(dimensions));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects metadata and tensor declarations; {@link #create(Path)} starts writing. */
    public static final class Builder {
        private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
        private final List<TensorSpec> tensors = new ArrayList<>();
        private final Set<String> tensorNames = new HashSet<>();

        private Builder() {
        }

        /** Adds or replaces a key; keys keep their first insertion order. */
        public Builder put(String key, GgufValue value) {
            Objects.requireNonNull(value, "value");
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("empty metadata key");
            }
            if (key.equals(GgufFile.ALIGNMENT_KEY) && !(value instanceof GgufValue.UInt32(long a)
                    && a > 0 && Long.bitCount(a) == 1 && a <= (1 << 30))) {
                throw new IllegalArgumentException(GgufFile.ALIGNMENT_KEY + " must be a UINT32 power of 2: " + value);
            }
            metadata.put(key, value);
            return this;
        }

        /** Declares the next tensor; its data must later be written in this order. */
        public Builder tensor(String name, GgmlType type, long... dimensions) {
            TensorSpec spec = new TensorSpec(name, type, dimensions);
            if (name.getBytes(StandardCharsets.UTF_8).length > GgufFile.MAX_NAME_BYTES) {
                throw new IllegalArgumentException("tensor name longer than " + GgufFile.MAX_NAME_BYTES + " bytes: " + name);
            }
            if (dimensions.length < 1 || dimensions.length > GgufFile.MAX_DIMENSIONS) {
                throw new IllegalArgumentException("tensor " + name + " has " + dimensions.length
                        + " dimensions; GGUF allows 1 to " + GgufFile.MAX_DIMENSIONS);
            }
            type.byteSize(dimensions);
            if (!tensorNames.add(name)) {
                throw new IllegalArgumentException("duplicate tensor name " + name);
            }
            tensors.add(spec);
            return this;
        }

        /** Writes the header, metadata and tensor infos to {@code path} (replacing it). */
        public GgufWriter create(Path path) throws IOException {
            OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 20);
            try {
                return new GgufWriter(out, new LinkedHashMap<>(metadata), List.copyOf(tensors));
            } catch (IOException | RuntimeException e) {
                out.close();
                throw e;
            }
        }
    }

    private GgufWriter(OutputStream out, Map<String, GgufValue> metadata, List<TensorSpec> specs) throws IOException {
        this.out = out;
        GgufValue alignmentValue = metadata.get(GgufFile.ALIGNMENT_KEY);
        this.alignment = alignmentValue == null ? GgufFile.DEFAULT_ALIGNMENT : (int) alignmentValue.asLong();
        List<GgufTensorInfo> infos = new ArrayList<>(specs.size());
        long offset = 0;
        for (TensorSpec spec : specs) {
            GgufTensorInfo info = new GgufTensorInfo(spec.name(), spec.dimensions(), spec.type(), offset);
            infos.add(info);
            offset = GgufFile.alignUp(Math.addExact(offset, info.byteSize()), alignment);
        }
        this.tensors = List.copyOf(infos);

        scratch.clear();
        writeInt(GgufFile.MAGIC);
        writeInt(3);
        writeLong(tensors.size());
        writeLong(metadata.size());
        for (Map.Entry<String, GgufValue> entry : metadata.entrySet()) {
            writeString(entry.getKey());
            writeValue(entry.getValue());
        }
        for (GgufTensorInfo info : tensors) {
            writeString(info.name());
            long[] dimensions = info.dimensions();
            writeInt(dimensions.length);
            for (long dimension : dimensions) {
                writeLong(dimension);
            }
            writeInt(info.type().id());
            writeLong(info.offset());
        }
        pad();
    }

    /** The tensor infos as they are written, offsets included. */
    public List<GgufTensorInfo> tensors() {
        return tensors;
    }

    /**
     * A channel for the data of the next declared tensor: it takes exactly that tensor's byte
     * size; closing it checks the count and writes the alignment padding.
     *
     * @throws IllegalStateException if the previous tensor's channel is still open, or all
     *     tensors have been written
     */
    public WritableByteChannel nextTensor() {
        if (closed) {
            throw new IllegalStateException("writer is closed");
        }
        if (current != null && current.isOpen()) {
            throw new IllegalStateException("tensor " + current.info.name() + " is still being written");
        }
        if (nextTensor >= tensors.size()) {
            throw new IllegalStateException("all " + tensors.size() + " declared tensors have been written");
        }
        current = new TensorOutput(tensors.get(nextTensor++));
        return current;
    }

    /**
     * Flushes and closes the file.
     *
     * @throws IOException if not every declared tensor was written in full (the file is then
     *     incomplete and should be deleted)
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        out.close();
        if (current != null && current.isOpen()) {
            throw new IOException("tensor " + current.info.name() + " was not finished");
        }
        if (nextTensor < tensors.size()) {
            throw new IOException("only " + nextTensor + " of " + tensors.size() + " declared tensors were written");
        }
    }

    private final class TensorOutput implements WritableByteChannel {
        private final GgufTensorInfo info;
        private final long size;
        private long count;
        private boolean open = true;
        private byte[] copy;

        TensorOutput(GgufTensorInfo info) {
            this.info = info;
            this.size = info.byteSize();
        }

        @Override
        public int write(ByteBuffer source) throws IOException {
            if (!open) {
                throw new ClosedChannelException();
            }
            int length = source.remaining();
            if (length > size - count) {
                throw new IOException("tensor " + info.name() + " takes " + size + " bytes; "
                        + (count + length) + " were written");
            }
            if (source.hasArray()) {
                out.write(source.array(), source.arrayOffset() + source.position(), length);
                source.position(source.limit());
            } else {
                if (copy == null || copy.length < Math.min(length, 1 << 16)) {
                    copy = new byte[Math.min(Math.max(length, 4096), 1 << 16)];
                }
                while (source.hasRemaining()) {
                    int chunk = Math.min(source.remaining(), copy.length);
                    source.get(copy, 0, chunk);
                    out.write(copy, 0, chunk);
                }
            }
            count += length;
            written += length;
            return length;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() throws IOException {
            if (!open) {
                return;
            }
            if (count != size) {
                throw new IOException("tensor " + info.name() + " takes " + size + " bytes but only "
                        + count + " were written");
            }
            open = false;
            pad();
        }
    }

    private void pad() throws IOException {
        long padding = GgufFile.alignUp(written, alignment) - written;
        for (long i = 0; i < padding; i++) {
            out.write(0);
        }
        written += padding;
    }

    private void writeValue(GgufValue value) throws IOException {
        writeInt(value.type().id());
        if (value instanceof GgufValue.Array(GgufValueType elementType, List<GgufValue> elements)) {
            writeInt(elementType.id());
            writeLong(elements.size());
            for (GgufValue element : elements) {
                writeScalar(element);
            }
        } else {
            writeScalar(value);
        }
    }

    private void writeScalar(GgufValue value) throws IOException {
        switch (value) {
            case GgufValue.UInt8(int v) -> writeByte(v);
            case GgufValue.Int8(byte v) -> writeByte(v);
            case GgufValue.UInt16(int v) -> writeShort(v);
            case GgufValue.Int16(short v) -> writeShort(v);
            case GgufValue.UInt32(long v) -> writeInt((int) v);
            case GgufValue.Int32(int v) -> writeInt(v);
            case GgufValue.UInt64(long v) -> writeLong(v);
            case GgufValue.Int64(long v) -> writeLong(v);
            case GgufValue.Float32(float v) -> writeInt(Float.floatToRawIntBits(v));
            case GgufValue.Float64(double v) -> writeLong(Double.doubleToRawLongBits(v));
            case GgufValue.Bool(boolean v) -> writeByte(v ? 1 : 0);
            case GgufValue.Str(String v) -> writeString(v);
            case GgufValue.Array a -> throw new IllegalArgumentException("arrays of arrays are not supported");
        }
    }

    private void writeString(String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        writeLong(bytes.length);
        out.write(bytes);
        written += bytes.length;
    }

    private void writeByte(int value) throws IOException {
        out.write(value);
        written += 1;
    }

    private void writeShort(int value) throws IOException {
        flushScratch(scratch.clear().putShort((short) value));
    }

    private void writeInt(int value) throws IOException {
        flushScratch(scratch.clear().putInt(value));
    }

    private void writeLong(long value) throws IOException {
        flushScratch(scratch.clear().putLong(value));
    }

    private void flushScratch(ByteBuffer filled) throws IOException {
        out.write(filled.array(), 0, filled.position());
        written += filled.position();
    }
}
