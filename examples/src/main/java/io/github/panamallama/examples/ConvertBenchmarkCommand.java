package io.github.panamallama.examples;

import io.github.panamallama.convert.ConversionListener;
import io.github.panamallama.convert.ConversionProgress;
import io.github.panamallama.convert.ConversionResult;
import io.github.panamallama.convert.MistralConverter;
import io.github.panamallama.convert.OutputType;
import io.github.panamallama.gguf.GgufFile;
import io.github.panamallama.gguf.GgufTensorInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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
        description = {"Generate random weights with Mistral 7B v0.2's shapes, convert them",
            "to GGUF, print throughput and peak RSS, delete the files.",
            "Needs about 29 GB free for 32 layers."})
final class ConvertBenchmarkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/tmp", description = "Where to put the files (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--layers", paramLabel = "N", defaultValue = "32",
            description = "Transformer layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "f16",
            description = "Output type: f32, f16 or bf16 (default: ${DEFAULT-VALUE}).")
    OutputType type;

    @Option(names = "--keep", description = "Keep the generated checkpoint and GGUF.")
    boolean keep;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        SyntheticCheckpoint checkpoint = SyntheticCheckpoint.mistral7b(layers);
        long inputBytes = checkpoint.bytes();
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
            checkpoint.write(work);
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
            try (GgufFile check = GgufFile.open(gguf)) {
                GgufTensorInfo last = check.tensors().getLast();
                out.printf("read back: %d tensors, last (%s) ends at byte %d of %d%n", check.tensors().size(),
                        last.name(), check.dataOffset() + last.offset() + last.byteSize(), result.fileBytes());
            }
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
