package io.github.panamallama.convert.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writes small safetensors files (and shard indexes) for tests. */
public final class SafetensorsTestWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Tensor(String name, String dtype, long[] shape, byte[] data) {
    }

    private final List<Tensor> tensors = new ArrayList<>();

    public SafetensorsTestWriter add(String name, String dtype, long[] shape, byte[] data) {
        tensors.add(new Tensor(name, dtype, shape, data));
        return this;
    }

    public List<Tensor> tensors() {
        return tensors;
    }

    /** The header JSON as the format lays it out, data offsets in insertion order. */
    public String header() {
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Tensor tensor : tensors) {
            ObjectNode entry = header.putObject(tensor.name());
            entry.put("dtype", tensor.dtype());
            var shape = entry.putArray("shape");
            for (long dimension : tensor.shape()) {
                shape.add(dimension);
            }
            entry.putArray("data_offsets").add(offset).add(offset + tensor.data().length);
            offset += tensor.data().length;
        }
        return header.toString();
    }

    public void write(Path file) throws IOException {
        write(file, header());
    }

    /** Writes with a given header text (tests corrupt it on purpose). */
    public void write(Path file, String header) throws IOException {
        byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
        int padded = (headerBytes.length + 7) / 8 * 8;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
        out.write(headerBytes);
        out.write(" ".repeat(padded - headerBytes.length).getBytes(StandardCharsets.US_ASCII));
        for (Tensor tensor : tensors) {
            out.write(tensor.data());
        }
        Files.write(file, out.toByteArray());
    }

    /** Writes an index mapping each tensor name to its shard file name. */
    public static void writeIndex(Path index, Map<String, String> weightMap) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("metadata").put("total_size", 0);
        ObjectNode map = root.putObject("weight_map");
        weightMap.forEach(map::put);
        Files.writeString(index, root.toString());
    }
}
