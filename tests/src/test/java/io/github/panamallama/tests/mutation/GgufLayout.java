package io.github.panamallama.tests.mutation;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Where every field of a well-formed GGUF file lies, byte for byte, so a mutation can replace one
 * key-value pair or one tensor info and reassemble the file. Deliberately independent of the
 * library's own reader: the campaign must be able to write what that reader would refuse.
 */
public final class GgufLayout {
    /** One key-value pair: {@code bytes} is the whole entry (key string, type, value). */
    public record Entry(String key, int type, byte[] bytes) {}

    /** One tensor info as parsed; {@link #encode()} writes it back. */
    public record TensorInfo(String name, long[] dims, int type, long offset) {
        byte[] encode() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            GgufEncoding.writeString(out, name.getBytes(StandardCharsets.UTF_8));
            GgufEncoding.writeInt(out, dims.length);
            for (long dim : dims) {
                GgufEncoding.writeLong(out, dim);
            }
            GgufEncoding.writeInt(out, type);
            GgufEncoding.writeLong(out, offset);
            return out.toByteArray();
        }

        @Override
        public String toString() {
            return name + " type " + type + " " + Arrays.toString(dims) + " @" + offset;
        }
    }

    private final byte[] file;
    private final int version;
    private final List<Entry> entries;
    private final List<TensorInfo> tensors;
    private final int dataOffset;
    private final int alignment;

    private GgufLayout(byte[] file, int version, List<Entry> entries, List<TensorInfo> tensors, int dataOffset,
            int alignment) {
        this.file = file;
        this.version = version;
        this.entries = List.copyOf(entries);
        this.tensors = List.copyOf(tensors);
        this.dataOffset = dataOffset;
        this.alignment = alignment;
    }

    public static GgufLayout parse(byte[] file) {
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        in.getInt(); // magic
        int version = in.getInt();
        long tensorCount = in.getLong();
        long kvCount = in.getLong();
        List<Entry> entries = new ArrayList<>();
        int alignment = 32;
        for (long i = 0; i < kvCount; i++) {
            int start = in.position();
            String key = new String(readBytes(in), StandardCharsets.UTF_8);
            int type = in.getInt();
            skipValue(in, type);
            if (key.equals("general.alignment")) {
                alignment = in.getInt(in.position() - 4);
            }
            entries.add(new Entry(key, type, Arrays.copyOfRange(file, start, in.position())));
        }
        List<TensorInfo> tensors = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            String name = new String(readBytes(in), StandardCharsets.UTF_8);
            long[] dims = new long[in.getInt()];
            for (int d = 0; d < dims.length; d++) {
                dims[d] = in.getLong();
            }
            tensors.add(new TensorInfo(name, dims, in.getInt(), in.getLong()));
        }
        int dataOffset = (in.position() + alignment - 1) / alignment * alignment;
        return new GgufLayout(file, version, entries, tensors, dataOffset, alignment);
    }

    private static byte[] readBytes(ByteBuffer in) {
        byte[] bytes = new byte[Math.toIntExact(in.getLong())];
        in.get(bytes);
        return bytes;
    }

    private static void skipValue(ByteBuffer in, int type) {
        if (type == GgufEncoding.ARRAY) {
            int elementType = in.getInt();
            long count = in.getLong();
            for (long i = 0; i < count; i++) {
                skipValue(in, elementType);
            }
        } else if (type == GgufEncoding.STRING) {
            readBytes(in);
        } else {
            in.position(in.position() + GgufEncoding.scalarSize(type));
        }
    }

    public byte[] bytes() {
        return file;
    }

    public List<Entry> entries() {
        return entries;
    }

    public Optional<Entry> entry(String key) {
        return entries.stream().filter(e -> e.key().equals(key)).findFirst();
    }

    public List<TensorInfo> tensors() {
        return tensors;
    }

    public int dataOffset() {
        return dataOffset;
    }

    /**
     * A file with these entries and tensor infos and the original tensor data, the header padded
     * to the original alignment (the counts are written as the list sizes).
     */
    public byte[] assemble(List<byte[]> entryBytes, List<TensorInfo> tensorInfos) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(file.length + 4096);
        out.write(file, 0, 8); // magic and version
        GgufEncoding.writeLong(out, tensorInfos.size());
        GgufEncoding.writeLong(out, entryBytes.size());
        entryBytes.forEach(out::writeBytes);
        tensorInfos.forEach(t -> out.writeBytes(t.encode()));
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        out.write(file, dataOffset, file.length - dataOffset);
        return out.toByteArray();
    }

    public List<byte[]> entryBytes() {
        return new ArrayList<>(entries.stream().map(Entry::bytes).toList());
    }

    public int version() {
        return version;
    }
}
