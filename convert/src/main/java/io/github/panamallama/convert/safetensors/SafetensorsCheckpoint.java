package io.github.panamallama.convert.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.panamallama.convert.Checkpoint;
import io.github.panamallama.convert.SourceType;
import io.github.panamallama.convert.TensorSource;
import io.github.panamallama.gguf.internal.FileRegionChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Hugging Face safetensors checkpoint: one {@code .safetensors} file, or the shards listed by
 * a {@code model.safetensors.index.json}. Headers are read and checked against each file's size
 * when opening; tensor bytes stay on disk until a tensor is opened.
 */
public final class SafetensorsCheckpoint implements Checkpoint {
    /** A header larger than this is not a model's (Mistral 7B's is about 30 KB). */
    static final long MAX_HEADER_BYTES = 100L << 20;
    public static final String INDEX_FILE = "model.safetensors.index.json";
    public static final String SINGLE_FILE = "model.safetensors";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<FileChannel> channels;
    private final List<TensorSource> tensors;

    private SafetensorsCheckpoint(List<FileChannel> channels, List<TensorSource> tensors) {
        this.channels = List.copyOf(channels);
        this.tensors = List.copyOf(tensors);
    }

    /**
     * Opens a checkpoint: {@code path} is a {@code .safetensors} file, an index
     * {@code *.index.json}, or a directory holding {@value #INDEX_FILE} or {@value #SINGLE_FILE}.
     *
     * @throws IOException if a file is missing, a header is malformed, or a tensor's bytes are
     *     outside its file, overlap another's, or have an unsupported dtype; the message names
     *     the file and the tensor
     */
    public static SafetensorsCheckpoint open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            Path index = path.resolve(INDEX_FILE);
            Path single = path.resolve(SINGLE_FILE);
            if (Files.isRegularFile(index)) {
                return openShards(index);
            }
            if (Files.isRegularFile(single)) {
                return openFiles(List.of(single));
            }
            throw new IOException(path + " holds neither " + INDEX_FILE + " nor " + SINGLE_FILE);
        }
        if (path.getFileName().toString().endsWith(".json")) {
            return openShards(path);
        }
        return openFiles(List.of(path));
    }

    private static SafetensorsCheckpoint openShards(Path index) throws IOException {
        JsonNode weightMap = readJson(index).path("weight_map");
        if (!weightMap.isObject() || weightMap.isEmpty()) {
            throw new IOException(index + ": no \"weight_map\" object");
        }
        Set<String> shardNames = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> entry : weightMap.properties()) {
            if (!entry.getValue().isTextual()) {
                throw new IOException(index + ": weight_map entry " + entry.getKey() + " is not a file name");
            }
            String shard = entry.getValue().asText();
            // shards sit next to the index: a path would let the index point anywhere on disk
            if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.equals("..")) {
                throw new IOException(index + ": shard " + shard + " is outside the checkpoint directory");
            }
            shardNames.add(shard);
        }
        List<Path> shards = shardNames.stream().map(index::resolveSibling).toList();
        SafetensorsCheckpoint checkpoint = openFiles(shards);
        Set<String> listed = new HashSet<>();
        weightMap.properties().forEach(e -> listed.add(e.getKey()));
        Set<String> found = new HashSet<>();
        checkpoint.tensors.forEach(t -> found.add(t.name()));
        if (!found.equals(listed)) {
            Set<String> missing = new HashSet<>(listed);
            missing.removeAll(found);
            checkpoint.close();
            throw new IOException(index + ": tensors listed but absent from the shards: " + missing);
        }
        return checkpoint;
    }

    private static SafetensorsCheckpoint openFiles(List<Path> files) throws IOException {
        List<FileChannel> channels = new ArrayList<>();
        List<TensorSource> tensors = new ArrayList<>();
        Set<String> names = new HashSet<>();
        try {
            for (Path file : files) {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                channels.add(channel);
                for (TensorSource tensor : readHeader(file, channel)) {
                    if (!names.add(tensor.name())) {
                        throw new IOException(file + ": tensor " + tensor.name() + " appears in more than one shard");
                    }
                    tensors.add(tensor);
                }
            }
        } catch (IOException | RuntimeException e) {
            for (FileChannel channel : channels) {
                channel.close();
            }
            throw e;
        }
        return new SafetensorsCheckpoint(channels, tensors);
    }

    private static List<TensorSource> readHeader(Path file, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw new IOException(file + ": " + fileSize + " bytes is too short for a safetensors header");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0, file);
        long headerLength = lengthBytes.flip().getLong();
        if (headerLength < 2 || headerLength > fileSize - 8 || headerLength > MAX_HEADER_BYTES) {
            throw new IOException(file + ": header length " + Long.toUnsignedString(headerLength)
                    + " at offset 0 is impossible for a file of " + fileSize + " bytes");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(channel, headerBytes, 8, file);
        JsonNode header;
        try {
            header = JSON.readTree(headerBytes.array());
        } catch (JacksonException e) {
            throw new IOException(file + ": header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new IOException(file + ": header is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        long dataSize = fileSize - dataStart;
        List<SafetensorsTensor> tensors = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : header.properties()) {
            if (entry.getKey().equals("__metadata__")) {
                continue;
            }
            tensors.add(SafetensorsTensor.parse(file, channel, entry.getKey(), entry.getValue(), dataStart, dataSize));
        }
        tensors.sort(Comparator.comparingLong(SafetensorsTensor::begin));
        long previousEnd = 0;
        String previous = null;
        for (SafetensorsTensor tensor : tensors) {
            if (tensor.begin() < previousEnd) {
                throw new IOException(file + ": tensor " + tensor.name() + " at data offset " + tensor.begin()
                        + " overlaps " + previous + " (ends at " + previousEnd + ")");
            }
            previousEnd = tensor.begin() + tensor.byteSize();
            previous = tensor.name();
        }
        return List.copyOf(tensors);
    }

    static JsonNode readJson(Path file) throws IOException {
        try {
            return JSON.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    static void readFully(FileChannel channel, ByteBuffer target, long position, Path file) throws IOException {
        while (target.hasRemaining()) {
            int read = channel.read(target, position);
            if (read < 0) {
                throw new IOException(file + ": unexpected end of file at offset " + position);
            }
            position += read;
        }
    }

    /** Tensors of every shard, each shard's in the order of their data. */
    @Override
    public List<TensorSource> tensors() {
        return tensors;
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (FileChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** One tensor's entry in a header. */
    private record SafetensorsTensor(Path file, FileChannel channel, String name, SourceType type, long[] dims,
            long absoluteStart, long begin) implements TensorSource {

        static SafetensorsTensor parse(Path file, FileChannel channel, String name, JsonNode entry,
                long dataStart, long dataSize) throws IOException {
            String where = file + ": tensor " + name;
            if (!entry.isObject()) {
                throw new IOException(where + ": entry is not an object");
            }
            String dtype = entry.path("dtype").asText("");
            SourceType type = switch (dtype) {
                case "F32" -> SourceType.F32;
                case "F16" -> SourceType.F16;
                case "BF16" -> SourceType.BF16;
                default -> throw new IOException(where + ": unsupported dtype '" + dtype + "' (F32, F16, BF16 are)");
            };
            JsonNode shapeNode = entry.path("shape");
            if (!shapeNode.isArray() || shapeNode.size() > 8) {
                throw new IOException(where + ": shape is not an array of at most 8 sizes");
            }
            long[] shape = new long[shapeNode.size()];
            long elements = 1;
            for (int i = 0; i < shape.length; i++) {
                JsonNode dimension = shapeNode.get(i);
                if (!dimension.canConvertToLong() || !dimension.isIntegralNumber() || dimension.asLong() < 0) {
                    throw new IOException(where + ": shape[" + i + "] is not a non-negative integer: " + dimension);
                }
                shape[i] = dimension.asLong();
                elements = multiply(elements, shape[i], where);
            }
            long expected = multiply(elements, type.bytes(), where);
            JsonNode offsets = entry.path("data_offsets");
            if (!offsets.isArray() || offsets.size() != 2 || !offsets.get(0).canConvertToLong()
                    || !offsets.get(1).canConvertToLong()) {
                throw new IOException(where + ": data_offsets is not [begin, end]");
            }
            long begin = offsets.get(0).asLong();
            long end = offsets.get(1).asLong();
            if (begin < 0 || end < begin || end > dataSize) {
                throw new IOException(where + ": data_offsets [" + begin + ", " + end + "] are outside the "
                        + dataSize + " data bytes of the file");
            }
            if (end - begin != expected) {
                throw new IOException(where + ": data_offsets span " + (end - begin) + " bytes but shape "
                        + Arrays.toString(shape) + " of " + type + " needs " + expected);
            }
            return new SafetensorsTensor(file, channel, name, type, shape, dataStart + begin, begin);
        }

        private static long multiply(long a, long b, String where) throws IOException {
            try {
                return Math.multiplyExact(a, b);
            } catch (ArithmeticException e) {
                throw new IOException(where + ": size overflows", e);
            }
        }

        @Override
        public long[] shape() {
            return dims.clone();
        }

        @Override
        public ReadableByteChannel open() throws IOException {
            if (!channel.isOpen()) {
                throw new ClosedChannelException();
            }
            return new FileRegionChannel(channel, absoluteStart, byteSize());
        }

        @Override
        public String toString() {
            return name + " " + type + " " + Arrays.toString(dims) + " in " + file.getFileName();
        }
    }
}
