package io.github.panamallama.examples;

import io.github.panamallama.convert.ConversionListener;
import io.github.panamallama.convert.ConversionProgress;
import io.github.panamallama.convert.ConversionResult;
import io.github.panamallama.convert.MistralConverter;
import io.github.panamallama.convert.OutputType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Measures the converter on a checkpoint of Mistral 7B v0.2's real dimensions with random BF16
 * weights (Hugging Face layout, sharded safetensors, so the Q/K reordering is exercised),
 * generated on the fly and deleted afterwards. Run with the heap limit to prove bounded memory:
 * {@code JAVA_OPTS=-Xmx2g scripts/example convert-benchmark}.
 */
@Command(name = "convert-benchmark", mixinStandardHelpOptions = true,
        description = {"Generate a random checkpoint with Mistral 7B v0.2's dimensions, convert it to GGUF,",
            "print throughput and peak RSS, delete the files. Needs about 29 GB free for 32 layers."})
final class ConvertBenchmarkCommand implements Callable<Integer> {
    private static final int DIM = 4096;
    private static final int HEADS = 32;
    private static final int KV_HEADS = 8;
    private static final int HEAD_DIM = 128;
    private static final int FFN = 14336;
    private static final int VOCAB = 32000;

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", defaultValue = "/tmp", description = "Where to put the files (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--layers", defaultValue = "32", description = "Transformer layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--type", defaultValue = "f16", description = "Output type (default: ${DEFAULT-VALUE}).")
    OutputType type;

    @Option(names = "--keep", description = "Keep the generated checkpoint and GGUF.")
    boolean keep;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<Tensor> tensors = tensors(layers);
        long inputBytes = tensors.stream().mapToLong(Tensor::bytes).sum();
        long outputBytes = inputBytes * (type == OutputType.F32 ? 2 : 1);
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < (inputBytes + outputBytes) * 11 / 10) {
            out.printf("only %.1f GB free in %s but %d layers need %.1f GB: use --layers%n",
                    free / 1e9, dir, layers, (inputBytes + outputBytes) / 1e9);
            out.flush();
            return 1;
        }
        Path work = Files.createTempDirectory(dir, "convert-benchmark");
        try {
            long generateStart = System.nanoTime();
            writeCheckpoint(work, tensors);
            double generateSeconds = (System.nanoTime() - generateStart) / 1e9;
            out.printf("generated %d layers, %.2f GB of BF16 in %.1f s%n", layers, inputBytes / 1e9, generateSeconds);
            out.flush();

            // Peak RSS from here on is the conversion's: Linux resets VmHWM on "5" in clear_refs.
            boolean reset = resetPeakRss();
            Path gguf = work.resolve("model.gguf");
            ConversionResult result = MistralConverter.builder().outputType(type).name("benchmark")
                    .listener(new LinePrinter(out)).build().convert(work, gguf);
            out.printf("converted %.2f GB -> %.2f GB (%s) in %.1f s: %.0f MB/s read, %.0f MB/s written%n",
                    result.inputBytes() / 1e9, result.fileBytes() / 1e9, type, result.elapsed().toMillis() / 1000.0,
                    result.inputMegabytesPerSecond(),
                    result.fileBytes() / 1e6 / (result.elapsed().toNanos() / 1e9));
            out.printf("peak RSS%s: %s; max heap: %d MB%n", reset ? " (conversion only)" : " (whole process)",
                    procStatus("VmHWM"), Runtime.getRuntime().maxMemory() >> 20);
            out.flush();
            return 0;
        } finally {
            if (keep) {
                out.println("kept " + work);
            } else {
                try (Stream<Path> files = Files.walk(work)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(file);
                    }
                }
            }
            out.flush();
        }
    }

    private record Tensor(String name, long[] shape, int shard) {
        long bytes() {
            long count = 2;
            for (long d : shape) {
                count *= d;
            }
            return count;
        }
    }

    /** Mistral 7B v0.2's tensors under Hugging Face names, in three shards like the release. */
    static List<Tensor> tensors(int layers) {
        List<Tensor> tensors = new ArrayList<>();
        tensors.add(new Tensor("model.embed_tokens.weight", new long[] {VOCAB, DIM}, 0));
        for (int b = 0; b < layers; b++) {
            int shard = Math.min(2, b * 3 / layers);
            String p = "model.layers." + b + ".";
            tensors.add(new Tensor(p + "input_layernorm.weight", new long[] {DIM}, shard));
            tensors.add(new Tensor(p + "self_attn.q_proj.weight", new long[] {HEADS * HEAD_DIM, DIM}, shard));
            tensors.add(new Tensor(p + "self_attn.k_proj.weight", new long[] {KV_HEADS * HEAD_DIM, DIM}, shard));
            tensors.add(new Tensor(p + "self_attn.v_proj.weight", new long[] {KV_HEADS * HEAD_DIM, DIM}, shard));
            tensors.add(new Tensor(p + "self_attn.o_proj.weight", new long[] {DIM, HEADS * HEAD_DIM}, shard));
            tensors.add(new Tensor(p + "post_attention_layernorm.weight", new long[] {DIM}, shard));
            tensors.add(new Tensor(p + "mlp.gate_proj.weight", new long[] {FFN, DIM}, shard));
            tensors.add(new Tensor(p + "mlp.up_proj.weight", new long[] {FFN, DIM}, shard));
            tensors.add(new Tensor(p + "mlp.down_proj.weight", new long[] {DIM, FFN}, shard));
        }
        tensors.add(new Tensor("model.norm.weight", new long[] {DIM}, 2));
        tensors.add(new Tensor("lm_head.weight", new long[] {VOCAB, DIM}, 2));
        return tensors;
    }

    private void writeCheckpoint(Path work, List<Tensor> tensors) throws IOException {
        Files.writeString(work.resolve("config.json"), """
                {"architectures": ["MistralForCausalLM"], "hidden_size": 4096, "intermediate_size": 14336,
                 "max_position_embeddings": 32768, "num_attention_heads": 32, "num_hidden_layers": %d,
                 "num_key_value_heads": 8, "rms_norm_eps": 1e-05, "rope_theta": 1000000.0,
                 "sliding_window": null, "vocab_size": 32000, "torch_dtype": "bfloat16"}
                """.formatted(layers));
        Files.write(work.resolve("tokenizer.model"), tokenizerModel());
        Map<String, String> index = new LinkedHashMap<>();
        long seed = 0x9E3779B97F4A7C15L;
        for (int shard = 0; shard < 3; shard++) {
            String file = "model-0000" + (shard + 1) + "-of-00003.safetensors";
            int s = shard;
            List<Tensor> inShard = tensors.stream().filter(t -> t.shard() == s).toList();
            inShard.forEach(t -> index.put(t.name(), file));
            seed = writeShard(work.resolve(file), inShard, seed);
        }
        StringBuilder json = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
        index.forEach((name, file) -> json.append('"').append(name).append("\": \"").append(file).append("\","));
        json.setLength(json.length() - 1);
        Files.writeString(work.resolve("model.safetensors.index.json"), json.append("}}").toString());
    }

    /** Streams random BF16 data (normal-ish magnitudes, no NaN or infinity) into one shard. */
    private static long writeShard(Path file, List<Tensor> tensors, long seed) throws IOException {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (Tensor tensor : tensors) {
            header.append('"').append(tensor.name()).append("\":{\"dtype\":\"BF16\",\"shape\":[");
            for (int i = 0; i < tensor.shape().length; i++) {
                header.append(i > 0 ? "," : "").append(tensor.shape()[i]);
            }
            header.append("],\"data_offsets\":[").append(offset).append(',').append(offset + tensor.bytes()).append("]},");
            offset += tensor.bytes();
        }
        header.setCharAt(header.length() - 1, '}');
        while (header.length() % 8 != 0) {
            header.append(' ');
        }
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer chunk = ByteBuffer.allocateDirect(8 << 20).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer start = ByteBuffer.allocate(8 + headerBytes.length).order(ByteOrder.LITTLE_ENDIAN);
            start.putLong(headerBytes.length).put(headerBytes).flip();
            while (start.hasRemaining()) {
                out.write(start);
            }
            long left = offset;
            while (left > 0) {
                chunk.clear();
                int longs = (int) Math.min(chunk.capacity(), left) / 8;
                for (int i = 0; i < longs; i++) {
                    seed += 0x9E3779B97F4A7C15L; // SplitMix64
                    long z = seed;
                    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
                    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
                    z ^= z >>> 31;
                    // four BF16 values: random sign and mantissa, exponent 2^-15 .. 2^-1
                    chunk.putLong(z & 0xBF7F_BF7F_BF7F_BF7FL | 0x3800_3800_3800_3800L);
                }
                chunk.flip();
                left -= chunk.remaining();
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
            }
        }
        return seed;
    }

    /** A SentencePiece ModelProto with 32000 pieces: unk, bos, eos, 256 byte pieces, filler. */
    static byte[] tokenizerModel() {
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        for (int id = 0; id < VOCAB; id++) {
            String text = id == 0 ? "<unk>" : id == 1 ? "<s>" : id == 2 ? "</s>"
                    : id < 259 ? String.format("<0x%02X>", id - 3) : "▁t" + id;
            int type = id == 0 ? 2 : id < 3 ? 3 : id < 259 ? 6 : 1;
            ByteArrayOutputStream piece = new ByteArrayOutputStream();
            bytesField(piece, 1, text.getBytes(StandardCharsets.UTF_8));
            varint(piece, (2 << 3) | 5);
            piece.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(-id).array());
            varint(piece, 3 << 3);
            varint(piece, type);
            bytesField(model, 1, piece.toByteArray());
        }
        ByteArrayOutputStream trainer = new ByteArrayOutputStream();
        varint(trainer, 3 << 3);
        varint(trainer, 2); // BPE
        varint(trainer, 35 << 3);
        varint(trainer, 1); // byte fallback
        bytesField(model, 2, trainer.toByteArray());
        return model.toByteArray();
    }

    private static void bytesField(ByteArrayOutputStream out, int field, byte[] bytes) {
        varint(out, (field << 3) | 2);
        varint(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static String procStatus(String field) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(line -> line.startsWith(field + ":"))
                    .map(line -> line.substring(field.length() + 1).strip()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** A progress line every 10% (works when output is not a terminal). */
    private static final class LinePrinter implements ConversionListener {
        private final PrintWriter out;
        private int lastDecile = -1;

        LinePrinter(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void progress(ConversionProgress progress) {
            int decile = (int) (progress.fraction() * 10);
            if (decile != lastDecile) {
                lastDecile = decile;
                out.printf("  %3d%%  %.2f GB  %.0f MB/s  RSS %s  %s%n", decile * 10, progress.bytesWritten() / 1e9,
                        progress.megabytesPerSecond(), procStatus("VmRSS"), progress.tensorName());
                out.flush();
            }
        }
    }
}
