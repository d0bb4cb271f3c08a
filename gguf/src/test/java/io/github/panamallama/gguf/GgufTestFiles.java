package io.github.panamallama.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.List;

/** Small GGUF files for the reader and writer tests. */
final class GgufTestFiles {
    private GgufTestFiles() {
    }

    /** Deterministic bytes for a tensor: byte i is (seed + i * 7) mod 256. */
    static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed + i * 7);
        }
        return bytes;
    }

    /** Two metadata keys and three tensors (one quantized), padding after each. */
    static Path small(Path file) throws IOException {
        GgufWriter.Builder builder = GgufWriter.builder()
                .put("general.architecture", GgufValue.string("llama"))
                .put("test.list", GgufValue.strings(List.of("a", "bc")))
                .tensor("a", GgmlType.F32, 3, 2)
                .tensor("b", GgmlType.Q4_0, 32)
                .tensor("c", GgmlType.F16, 5);
        try (GgufWriter writer = builder.create(file)) {
            for (GgufTensorInfo info : writer.tensors()) {
                try (WritableByteChannel out = writer.nextTensor()) {
                    out.write(ByteBuffer.wrap(pattern((int) info.byteSize(), info.name().charAt(0))));
                }
            }
        }
        return file;
    }
}
