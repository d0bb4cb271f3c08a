package io.github.panamallama.benchmarks;

import io.github.panamallama.gguf.GgmlType;
import io.github.panamallama.gguf.GgufFile;
import io.github.panamallama.gguf.GgufTensorInfo;
import io.github.panamallama.gguf.GgufValue;
import io.github.panamallama.gguf.GgufWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Random;

/**
 * The tiny-Mistral fixture with a real 32000-token vocabulary, so that sampling, logits and
 * tokenization are measured at Mistral 7B's vocabulary size without Mistral 7B's weights.
 *
 * <p>Everything but the vocabulary is the fixture's: its metadata and its layer tensors, copied.
 * The tokenizer is llama.cpp's vocab-only test file {@code ggml-vocab-llama-spm.gguf} (Llama's
 * SentencePiece vocabulary: 32000 tokens, byte fallback, the same size and algorithm as
 * Mistral's). The two tensors whose shape depends on the vocabulary, {@code token_embd} and
 * {@code output}, are drawn afresh at the fixture's scales (N(0, 0.5) and N(0, 0.1)), in F16.
 * The text it generates is gibberish, as the fixture's is; the costs per token are what count.
 */
final class WideVocabularyModel {
    private static final long SEED = 32000;

    private WideVocabularyModel() {}

    static void write(Path fixture, Path vocabularySource, Path output) throws IOException {
        Path partial = output.resolveSibling(output.getFileName() + ".partial");
        try (GgufFile model = GgufFile.open(fixture); GgufFile vocabulary = GgufFile.open(vocabularySource)) {
            GgufValue tokens = vocabulary.get("tokenizer.ggml.tokens").orElseThrow(
                    () -> new IOException(vocabularySource + " has no tokenizer.ggml.tokens"));
            int size = ((GgufValue.Array) tokens).elements().size();
            GgufWriter.Builder builder = GgufWriter.builder();
            for (Map.Entry<String, GgufValue> entry : model.metadata().entrySet()) {
                if (!entry.getKey().startsWith("tokenizer.")) {
                    builder.put(entry.getKey(), entry.getValue());
                }
            }
            builder.put("general.name", new GgufValue.Str("tiny-mistral-vocab" + size));
            builder.put("llama.vocab_size", new GgufValue.UInt32(size));
            for (Map.Entry<String, GgufValue> entry : vocabulary.metadata().entrySet()) {
                if (entry.getKey().startsWith("tokenizer.")) {
                    builder.put(entry.getKey(), entry.getValue());
                }
            }
            for (GgufTensorInfo tensor : model.tensors()) {
                if (dependsOnVocabulary(tensor)) {
                    builder.tensor(tensor.name(), GgmlType.F16, tensor.dimensions()[0], size);
                } else {
                    builder.tensor(tensor.name(), tensor.type(), tensor.dimensions());
                }
            }
            try (GgufWriter writer = builder.create(partial)) {
                for (GgufTensorInfo tensor : model.tensors()) {
                    try (WritableByteChannel out = writer.nextTensor()) {
                        if (dependsOnVocabulary(tensor)) {
                            double scale = tensor.name().equals("token_embd.weight") ? 0.5 : 0.1;
                            writeGaussianF16(out, tensor.dimensions()[0] * size, scale, SEED + tensor.name().hashCode());
                        } else {
                            try (ReadableByteChannel in = model.openTensorData(tensor.name())) {
                                copy(in, out);
                            }
                        }
                    }
                }
            }
        }
        Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean dependsOnVocabulary(GgufTensorInfo tensor) {
        return tensor.name().equals("token_embd.weight") || tensor.name().equals("output.weight");
    }

    private static void writeGaussianF16(WritableByteChannel out, long count, double scale, long seed) throws IOException {
        Random random = new Random(seed); // java.util.Random's sequence is specified: the file is reproducible
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < count; i++) {
            if (!buffer.hasRemaining()) {
                drain(buffer, out);
            }
            buffer.putShort(Float.floatToFloat16((float) (random.nextGaussian() * scale)));
        }
        drain(buffer, out);
    }

    private static void copy(ReadableByteChannel in, WritableByteChannel out) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        while (in.read(buffer) >= 0) {
            drain(buffer, out);
        }
        drain(buffer, out);
    }

    private static void drain(ByteBuffer buffer, WritableByteChannel out) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
        buffer.clear();
    }
}
