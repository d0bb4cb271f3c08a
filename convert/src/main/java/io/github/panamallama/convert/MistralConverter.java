package io.github.panamallama.convert;

import io.github.panamallama.gguf.GgmlType;
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
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Converts a Mistral 7B-style checkpoint (llama architecture, SentencePiece tokenizer) in the
 * Mistral native or Hugging Face layout into a GGUF file llama.cpp loads. Tensors stream one at
 * a time, converted chunk by chunk, so memory stays bounded by one Q or K matrix (those of HF
 * checkpoints are reordered in memory) whatever the checkpoint's size.
 *
 * <pre>{@code
 * MistralConverter.builder().outputType(OutputType.F16).build().convert(modelDir, Path.of("model.gguf"));
 * }</pre>
 */
public final class MistralConverter {
    /** Bytes of source data converted per step. */
    static final int CHUNK_BYTES = 4 << 20;

    private final OutputType outputType;
    private final OptionalInt contextLength;
    private final String name;
    private final ConversionListener listener;

    private MistralConverter(Builder builder) {
        this.outputType = builder.outputType;
        this.contextLength = builder.contextLength;
        this.name = builder.name;
        this.listener = builder.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private OutputType outputType = OutputType.F16;
        private OptionalInt contextLength = OptionalInt.empty();
        private String name;
        private ConversionListener listener = ConversionListener.NONE;

        private Builder() {
        }

        /** Element type of the matrices; F16 by default. */
        public Builder outputType(OutputType outputType) {
            this.outputType = Objects.requireNonNull(outputType, "outputType");
            return this;
        }

        /** Overrides the training context length the checkpoint states (or, natively, implies). */
        public Builder contextLength(int contextLength) {
            if (contextLength <= 0) {
                throw new IllegalArgumentException("contextLength must be positive: " + contextLength);
            }
            this.contextLength = OptionalInt.of(contextLength);
            return this;
        }

        /** {@code general.name}; the input directory's name by default. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        public Builder listener(ConversionListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public MistralConverter build() {
            return new MistralConverter(this);
        }
    }

    /** Converts the model directory {@code input} into the GGUF file {@code output}. */
    public ConversionResult convert(Path input, Path output) throws IOException {
        try (ModelDirectory model = ModelDirectory.open(input)) {
            return convert(model, output);
        }
    }

    /**
     * Converts an opened model. The file appears at {@code output} only when complete: it is
     * written next to it under a temporary name and moved into place.
     *
     * @throws IOException on unreadable input, tensors that do not match the configuration, or
     *     a write failure; no partial output is left behind
     */
    public ConversionResult convert(ModelDirectory model, Path output) throws IOException {
        long start = System.nanoTime();
        LlamaHyperparameters hp = model.hyperparameters();
        if (contextLength.isPresent()) {
            hp = hp.withContextLength(contextLength.getAsInt());
        }
        List<TensorPlan.Entry> plan = TensorPlan.of(model.layout(), hp, model.checkpoint());
        GgufWriter.Builder gguf = GgufWriter.builder();
        addModelMetadata(gguf, hp, name != null ? name : directoryName(model.path()));
        try {
            VocabularyMetadata.add(model.tokenizer(), hp.vocabSize(), gguf::put);
        } catch (IllegalArgumentException e) {
            throw new IOException(model.path().resolve("tokenizer.model") + ": " + e.getMessage(), e);
        }
        long inputBytes = 0;
        for (TensorPlan.Entry entry : plan) {
            long[] shape = entry.source().shape();
            gguf.tensor(entry.ggufName(), outputTypeOf(shape), reversed(shape));
            inputBytes += entry.source().byteSize();
        }

        Path absolute = output.toAbsolutePath();
        Path partial = absolute.resolveSibling(absolute.getFileName() + ".part");
        try {
            try (GgufWriter writer = gguf.create(partial)) {
                long total = writer.tensors().stream().mapToLong(t -> t.byteSize()).sum();
                listener.started(plan.size(), total);
                Progress progress = new Progress(plan.size(), total, start);
                for (int i = 0; i < plan.size(); i++) {
                    TensorPlan.Entry entry = plan.get(i);
                    progress.tensor(i, entry.ggufName());
                    try (WritableByteChannel out = writer.nextTensor()) {
                        copy(entry, writer.tensors().get(i).type(), out, progress);
                    }
                }
            }
            Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        ConversionResult result = new ConversionResult(absolute, plan.size(), inputBytes, Files.size(absolute),
                Duration.ofNanos(System.nanoTime() - start));
        listener.finished(result);
        return result;
    }

    private GgmlType outputTypeOf(long[] shape) {
        return shape.length == 1 ? GgmlType.F32 : outputType.ggmlType();
    }

    private void addModelMetadata(GgufWriter.Builder gguf, LlamaHyperparameters hp, String modelName) {
        gguf.put("general.architecture", GgufValue.string("llama"));
        gguf.put("general.type", GgufValue.string("model"));
        gguf.put("general.name", GgufValue.string(modelName));
        gguf.put("llama.block_count", GgufValue.uint32(hp.blockCount()));
        gguf.put("llama.context_length", GgufValue.uint32(hp.contextLength()));
        gguf.put("llama.embedding_length", GgufValue.uint32(hp.embeddingLength()));
        gguf.put("llama.feed_forward_length", GgufValue.uint32(hp.feedForwardLength()));
        gguf.put("llama.attention.head_count", GgufValue.uint32(hp.headCount()));
        gguf.put("llama.attention.head_count_kv", GgufValue.uint32(hp.headCountKv()));
        gguf.put("llama.rope.freq_base", GgufValue.float32((float) hp.ropeFreqBase()));
        gguf.put("llama.attention.layer_norm_rms_epsilon", GgufValue.float32((float) hp.rmsNormEpsilon()));
        if ((long) hp.headDimension() * hp.headCount() != hp.embeddingLength()) {
            // llama.cpp assumes embedding / heads unless told
            gguf.put("llama.attention.key_length", GgufValue.uint32(hp.headDimension()));
            gguf.put("llama.attention.value_length", GgufValue.uint32(hp.headDimension()));
        }
        gguf.put("general.file_type", GgufValue.uint32(outputType.fileType()));
        gguf.put("llama.vocab_size", GgufValue.uint32(hp.vocabSize()));
        gguf.put("llama.rope.dimension_count", GgufValue.uint32(hp.headDimension()));
        gguf.put("general.quantization_version", GgufValue.uint32(2));
    }

    private static String directoryName(Path path) {
        Path fileName = path.toAbsolutePath().normalize().getFileName();
        return fileName == null ? "model" : fileName.toString();
    }

    static long[] reversed(long[] shape) {
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[shape.length - 1 - i];
        }
        return dims;
    }

    private static void copy(TensorPlan.Entry entry, GgmlType to, WritableByteChannel out, Progress progress)
            throws IOException {
        TensorSource source = entry.source();
        GgmlType from = ElementConverter.ggmlType(source.type());
        int inSize = ElementConverter.bytes(from);
        int outSize = ElementConverter.bytes(to);
        try (ReadableByteChannel in = source.open()) {
            if (entry.rotaryHeads() > 0) {
                copyUnpermuted(entry, in, from, to, out, progress);
                return;
            }
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES / inSize * inSize).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer converted = ByteBuffer.allocate(chunk.capacity() / inSize * outSize).order(ByteOrder.LITTLE_ENDIAN);
            long left = source.byteSize();
            while (left > 0) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), left));
                readFully(in, chunk, source, left);
                left -= chunk.position();
                chunk.flip();
                converted.clear();
                ElementConverter.convert(chunk, from, converted, to);
                converted.flip();
                writeFully(out, converted, progress);
            }
        }
    }

    /**
     * HF stores each head's Q/K rows as [first halves of the rotary pairs, second halves]; Meta
     * (and llama.cpp) interleave them. Output row {@code 2i + j} of a head is its source row
     * {@code j * headDim/2 + i}.
     */
    private static void copyUnpermuted(TensorPlan.Entry entry, ReadableByteChannel in, GgmlType from, GgmlType to,
            WritableByteChannel out, Progress progress) throws IOException {
        TensorSource source = entry.source();
        if (source.byteSize() > Integer.MAX_VALUE - 64) {
            throw new IOException("tensor " + source.name() + " is too large to reorder in memory: " + source.byteSize());
        }
        ByteBuffer whole = ByteBuffer.allocate((int) source.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        readFully(in, whole, source, source.byteSize());
        long[] shape = source.shape();
        int rows = (int) shape[0];
        int rowBytes = whole.capacity() / rows;
        int heads = entry.rotaryHeads();
        int headDim = rows / heads;
        int half = headDim / 2;
        ByteBuffer converted = ByteBuffer.allocate(rowBytes / ElementConverter.bytes(from) * ElementConverter.bytes(to))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int row = 0; row < rows; row++) {
            int head = row / headDim;
            int within = row % headDim;
            int sourceRow = head * headDim + (within % 2) * half + within / 2;
            ByteBuffer slice = whole.slice(sourceRow * rowBytes, rowBytes);
            converted.clear();
            ElementConverter.convert(slice, from, converted, to);
            converted.flip();
            writeFully(out, converted, progress);
        }
    }

    private static void readFully(ReadableByteChannel in, ByteBuffer target, TensorSource source, long left)
            throws IOException {
        while (target.hasRemaining()) {
            if (in.read(target) < 0) {
                throw new IOException("tensor " + source.name() + " ended early: " + (left - target.position())
                        + " of its bytes are missing");
            }
        }
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer data, Progress progress) throws IOException {
        int length = data.remaining();
        while (data.hasRemaining()) {
            out.write(data);
        }
        progress.wrote(length);
    }

    /** Reports progress to the listener. */
    private final class Progress {
        private final int tensorCount;
        private final long total;
        private final long start;
        private int index;
        private String name = "";
        private long written;
        private long reported;

        Progress(int tensorCount, long total, long start) {
            this.tensorCount = tensorCount;
            this.total = total;
            this.start = start;
        }

        void tensor(int index, String name) {
            this.index = index;
            this.name = name;
        }

        void wrote(long bytes) {
            written += bytes;
            if (written - reported >= (1 << 20) || written == total) {
                reported = written;
                listener.progress(new ConversionProgress(index, tensorCount, name, written, total,
                        System.nanoTime() - start));
            }
        }
    }
}
