package io.github.panamallama.gguf;

import io.github.panamallama.gguf.internal.FileRegionChannel;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF file (version 2 or 3, little-endian) opened for reading. Opening reads and validates
 * the header, metadata and tensor infos against the file's actual size; tensor data stays on
 * disk until {@link #openTensorData} reads it.
 */
public final class GgufFile implements Closeable {
    /** The alignment of the data section when {@code general.alignment} is absent. */
    public static final int DEFAULT_ALIGNMENT = 32;
    public static final String ALIGNMENT_KEY = "general.alignment";
    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian int
    /** ggml's GGML_MAX_DIMS and GGML_MAX_NAME: llama.cpp refuses tensors beyond these. */
    static final int MAX_DIMENSIONS = 4;
    static final int MAX_NAME_BYTES = 63;

    private final Path path;
    private final FileChannel channel;
    private final int version;
    private final Map<String, GgufValue> metadata;
    /** Where each key's value starts (its type id), for {@link #rawStrings}. */
    private final Map<String, Long> valueOffsets;
    private final List<GgufTensorInfo> tensors;
    private final Map<String, GgufTensorInfo> tensorsByName;
    private final int alignment;
    private final long dataOffset;

    private GgufFile(Path path, FileChannel channel, int version, Map<String, GgufValue> metadata,
            Map<String, Long> valueOffsets, List<GgufTensorInfo> tensors, int alignment, long dataOffset) {
        this.path = path;
        this.channel = channel;
        this.version = version;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.valueOffsets = Map.copyOf(valueOffsets);
        this.tensors = List.copyOf(tensors);
        this.alignment = alignment;
        this.dataOffset = dataOffset;
        Map<String, GgufTensorInfo> byName = new HashMap<>();
        tensors.forEach(info -> byName.put(info.name(), info));
        this.tensorsByName = byName;
    }

    /**
     * Opens and validates a GGUF file.
     *
     * @throws GgufFormatException if any field is invalid or points outside the file
     */
    public static GgufFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return read(path, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Checks the first eight bytes of a file: the GGUF magic and a version llama.cpp reads (2 or
     * 3, little-endian). The one header check of this library: {@link #open}, model loading and
     * the quantizer all use it, before anything trusts the rest of the file.
     *
     * @return the version
     * @throws GgufFormatException naming the field (magic or version) and what was found
     * @throws IOException if the file cannot be read
     */
    public static int checkHeader(Path path) throws IOException {
        byte[] header;
        try (InputStream in = Files.newInputStream(path)) {
            header = in.readNBytes(8);
        }
        if (header.length < 8) {
            throw new GgufFormatException(header.length < 4 ? "magic" : "version", header.length < 4 ? 0 : 4,
                    "the file ends after " + header.length + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        return checkHeader(buffer.getInt(), buffer.getInt());
    }

    private static int checkHeader(int magic, int version) throws GgufFormatException {
        if (magic != MAGIC) {
            throw new GgufFormatException("magic", 0, String.format("expected \"GGUF\" but found %02x %02x %02x %02x",
                    magic & 0xff, (magic >>> 8) & 0xff, (magic >>> 16) & 0xff, magic >>> 24));
        }
        if (Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3) {
            throw new GgufFormatException("version", 4, "this is a big-endian GGUF file; only little-endian is supported");
        }
        if (version != 2 && version != 3) {
            throw new GgufFormatException("version", 4, "unsupported GGUF version " + Integer.toUnsignedString(version)
                    + " (supported: 2, 3)");
        }
        return version;
    }

    private static GgufFile read(Path path, FileChannel channel) throws IOException {
        GgufInput in = new GgufInput(channel);
        int version = checkHeader(in.i32("magic"), in.i32("version"));
        long tensorCount = in.i64("tensor count");
        long kvCount = in.i64("metadata count");
        // Each tensor info takes at least 24 bytes, each key-value pair at least 13.
        in.requireCount(tensorCount, 24, "tensor count");
        in.requireCount(kvCount, 13, "metadata count");

        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        Map<String, Long> valueOffsets = new HashMap<>();
        long alignmentOffset = in.position();
        for (long i = 0; i < kvCount; i++) {
            long keyOffset = in.position();
            String key = in.string("key " + i);
            if (key.isEmpty()) {
                throw new GgufFormatException("key " + i, keyOffset, "empty key");
            }
            if (metadata.containsKey(key)) {
                throw new GgufFormatException("key " + i, keyOffset, "duplicate key '" + key + "'");
            }
            if (key.equals(ALIGNMENT_KEY)) {
                alignmentOffset = in.position();
            }
            valueOffsets.put(key, in.position());
            metadata.put(key, readValue(in, "key " + i + " '" + key + "'"));
        }

        int alignment = alignment(metadata, alignmentOffset);

        List<GgufTensorInfo> tensors = new ArrayList<>((int) Math.min(tensorCount, 1 << 16));
        Map<String, Long> names = new HashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            tensors.add(readTensorInfo(in, i, alignment, names));
        }
        long dataOffset = alignUp(in.position(), alignment);
        if (tensorCount > 0 && dataOffset > in.size()) {
            throw new GgufFormatException("data section", in.position(), "aligned start " + dataOffset
                    + " is beyond the end of the file (size " + in.size() + ")");
        }
        checkTensorData(tensors, dataOffset, in.size());
        return new GgufFile(path, channel, version, metadata, valueOffsets, tensors, alignment, dataOffset);
    }

    private static GgufValue readValue(GgufInput in, String field) throws IOException {
        long typeOffset = in.position();
        GgufValueType type = valueType(in.i32(field + " type"), field + " type", typeOffset);
        if (type != GgufValueType.ARRAY) {
            return readScalar(in, type, field);
        }
        long elementTypeOffset = in.position();
        GgufValueType elementType = valueType(in.i32(field + " element type"), field + " element type",
                elementTypeOffset);
        if (elementType == GgufValueType.ARRAY) {
            throw new GgufFormatException(field + " element type", elementTypeOffset,
                    "arrays of arrays are not supported (llama.cpp rejects them)");
        }
        long count = in.i64(field + " element count");
        in.requireCount(count, elementType.minimumBytes(), field + " element count");
        List<GgufValue> elements = new ArrayList<>((int) Math.min(count, 1 << 16));
        for (long i = 0; i < count; i++) {
            elements.add(readScalar(in, elementType, field + "[" + i + "]"));
        }
        return new GgufValue.Array(elementType, elements);
    }

    private static GgufValueType valueType(int id, String field, long offset) throws GgufFormatException {
        return GgufValueType.fromId(id).orElseThrow(() ->
                new GgufFormatException(field, offset, "unknown value type " + id));
    }

    private static GgufValue readScalar(GgufInput in, GgufValueType type, String field) throws IOException {
        return switch (type) {
            case UINT8 -> new GgufValue.UInt8(in.u8(field));
            case INT8 -> new GgufValue.Int8((byte) in.u8(field));
            case UINT16 -> new GgufValue.UInt16(in.i16(field) & 0xFFFF);
            case INT16 -> new GgufValue.Int16(in.i16(field));
            case UINT32 -> new GgufValue.UInt32(in.i32(field) & 0xFFFF_FFFFL);
            case INT32 -> new GgufValue.Int32(in.i32(field));
            case FLOAT32 -> new GgufValue.Float32(in.f32(field));
            case BOOL -> {
                long offset = in.position();
                int value = in.u8(field);
                if (value > 1) {
                    throw new GgufFormatException(field, offset, "bool must be 0 or 1 but is " + value);
                }
                yield new GgufValue.Bool(value == 1);
            }
            case STRING -> new GgufValue.Str(in.string(field));
            case UINT64 -> new GgufValue.UInt64(in.i64(field));
            case INT64 -> new GgufValue.Int64(in.i64(field));
            case FLOAT64 -> new GgufValue.Float64(in.f64(field));
            case ARRAY -> throw new IllegalStateException("arrays are read by readValue");
        };
    }

    private static int alignment(Map<String, GgufValue> metadata, long offset) throws GgufFormatException {
        GgufValue value = metadata.get(ALIGNMENT_KEY);
        if (value == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (!(value instanceof GgufValue.UInt32(long alignment))) {
            throw new GgufFormatException(ALIGNMENT_KEY, offset, "must be UINT32 but is " + value.type());
        }
        if (alignment == 0 || Long.bitCount(alignment) != 1 || alignment > (1 << 30)) {
            throw new GgufFormatException(ALIGNMENT_KEY, offset, "must be a power of 2 but is " + alignment);
        }
        return (int) alignment;
    }

    private static GgufTensorInfo readTensorInfo(GgufInput in, long index, int alignment, Map<String, Long> names)
            throws IOException {
        String field = "tensor info " + index;
        long start = in.position();
        String name = in.string(field + " name");
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new GgufFormatException(field + " name", start, "'" + name + "' is longer than "
                    + MAX_NAME_BYTES + " bytes");
        }
        Long previous = names.putIfAbsent(name, index);
        if (previous != null) {
            throw new GgufFormatException(field + " name", start, "duplicate tensor name '" + name
                    + "' (also tensor " + previous + ")");
        }
        return readTensorShape(in, field + " '" + name + "'", name, alignment);
    }

    private static GgufTensorInfo readTensorShape(GgufInput in, String field, String name, int alignment)
            throws IOException {
        long dimsOffset = in.position();
        int dimensionCount = in.i32(field + " dimension count");
        if (dimensionCount < 1 || dimensionCount > MAX_DIMENSIONS) {
            throw new GgufFormatException(field + " dimension count", dimsOffset, "must be in [1, "
                    + MAX_DIMENSIONS + "] but is " + Integer.toUnsignedString(dimensionCount));
        }
        long[] dimensions = new long[dimensionCount];
        for (int d = 0; d < dimensionCount; d++) {
            long offset = in.position();
            dimensions[d] = in.i64(field + " dimension " + d);
            if (dimensions[d] < 0) {
                throw new GgufFormatException(field + " dimension " + d, offset, "negative size "
                        + Long.toUnsignedString(dimensions[d]));
            }
        }
        long typeOffset = in.position();
        int typeId = in.i32(field + " type");
        GgmlType type = GgmlType.fromId(typeId).orElseThrow(() ->
                new GgufFormatException(field + " type", typeOffset, "unknown ggml type " + typeId));
        try {
            type.byteSize(dimensions);
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException(field + " dimensions", dimsOffset, e.getMessage());
        }
        long dataOffsetField = in.position();
        long offset = in.i64(field + " data offset");
        if (offset < 0 || offset % alignment != 0) {
            throw new GgufFormatException(field + " data offset", dataOffsetField, "offset "
                    + Long.toUnsignedString(offset) + " is not a non-negative multiple of the alignment " + alignment);
        }
        return new GgufTensorInfo(name, dimensions, type, offset);
    }

    /** Every tensor's bytes must lie inside the file and no two may overlap. */
    private static void checkTensorData(List<GgufTensorInfo> tensors, long dataOffset, long fileSize)
            throws GgufFormatException {
        List<GgufTensorInfo> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(GgufTensorInfo::offset));
        long previousEnd = 0;
        String previousName = null;
        for (GgufTensorInfo info : byOffset) {
            long size = info.byteSize();
            if (info.offset() < previousEnd) {
                throw new GgufFormatException("tensor '" + info.name() + "' data", dataOffset + info.offset(),
                        "overlaps tensor '" + previousName + "' which ends at data offset " + previousEnd);
            }
            long end = info.offset() + size; // both below the file size, so no overflow
            if (info.offset() > fileSize - dataOffset || size > fileSize - dataOffset - info.offset()) {
                throw new GgufFormatException("tensor '" + info.name() + "' data", dataOffset + info.offset(),
                        size + " bytes run past the end of the file (size " + fileSize + ")");
            }
            previousEnd = end;
            previousName = info.name();
        }
    }

    static long alignUp(long position, long alignment) {
        return (position + alignment - 1) / alignment * alignment;
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    /** All key-value pairs in file order. */
    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    /**
     * The elements of a string array as the bytes in the file. {@link #metadata()} decodes
     * strings as UTF-8 with invalid sequences replaced, so two different invalid texts look the
     * same there; llama.cpp compares bytes.
     *
     * @return empty if the key is absent or not an array of strings
     */
    public Optional<List<byte[]>> rawStrings(String key) throws IOException {
        if (!(metadata.get(key) instanceof GgufValue.Array(GgufValueType type, List<GgufValue> elements))
                || type != GgufValueType.STRING) {
            return Optional.empty();
        }
        GgufInput in = new GgufInput(channel);
        in.seek(valueOffsets.get(key) + 4 + 4 + 8, key); // value type, element type, element count
        List<byte[]> strings = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            strings.add(in.stringBytes(key + "[" + i + "]"));
        }
        return Optional.of(strings);
    }

    /** Tensor infos in file order. */
    public List<GgufTensorInfo> tensors() {
        return tensors;
    }

    public Optional<GgufTensorInfo> tensor(String name) {
        return Optional.ofNullable(tensorsByName.get(name));
    }

    public int alignment() {
        return alignment;
    }

    /** Absolute file offset where the tensor data section starts. */
    public long dataOffset() {
        return dataOffset;
    }

    /**
     * A channel over exactly this tensor's bytes. Channels read with positional reads, so several
     * may be open at once; they stop working when this file is closed.
     */
    public ReadableByteChannel openTensorData(String name) {
        GgufTensorInfo info = tensor(name).orElseThrow(() ->
                new IllegalArgumentException("no tensor named '" + name + "' in " + path));
        return new FileRegionChannel(channel, dataOffset + info.offset(), info.byteSize());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
