package io.github.panamallama.benchmarks;

import static io.github.panamallama.benchmarks.RoundStatistics.median;
import static io.github.panamallama.benchmarks.RoundStatistics.spread;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Greedy generation speed of panama-llama beside de.kherud:llama 4.2.0, the JNI binding, on the
 * same tiny-Mistral GGUF, prompt, context length and thread count. Two llama.cpp builds cannot
 * share a process, so every measurement runs in a child JVM of its own kind, the kinds taking
 * turns in an order that rotates each round:
 * <ul>
 * <li>panama-llama on the CPU variant ggml picks for this machine: the Java API and the C loop
 *     with InProcessComparison's settings, then with de.kherud's flash-attention setting (off),
 *     then also without the persistent threadpool ({@link PanamaGenerationRun});
 * <li>panama-llama restricted to ggml's AVX2 ("haswell") CPU variant, the instruction set
 *     de.kherud's library is built for: the Java API and the C loop, flash attention auto and off;
 * <li>de.kherud as shipped (flash attention off), with flash attention on, and with OpenMP's
 *     idle threads sleeping instead of spinning ({@link KherudGenerationRun}).
 * </ul>
 * Each child reports a few runs; the round's figure is their median; the table shows the median
 * of the rounds and the lowest and highest round. Arguments: {@code [ROUNDS] [THREADS,...]}
 * (default 5 rounds, threads 2 then 1).
 */
public final class JniPeerComparison {
    private static final int PANAMA_WARMUPS = 1;
    private static final int KHERUD_WARMUPS = 2;
    private static final int RUNS = 3;
    private static final Duration CHILD_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern SERVER_EVAL = Pattern.compile("^\\s+eval time =.*?([0-9.]+) tokens per second");

    /** One kind of child JVM; {@code environment}: variables set for it. */
    private record Kind(String label, List<String> command, boolean kherud, Map<String, String> environment) {}

    /** A row of the table: its figures, one per round. */
    private static final class Row {
        final List<Double> speed = new ArrayList<>();
        final List<Double> firstToken = new ArrayList<>();
        final List<Double> ownSpeed = new ArrayList<>();
        final List<Integer> generated = new ArrayList<>();
        final List<String> digests = new ArrayList<>();
    }

    private JniPeerComparison() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<Integer> threadCounts = args.length > 1
                ? Stream.of(args[1].split(",")).map(Integer::valueOf).toList() : List.of(2, 1);
        Path home = BenchmarkModels.home();
        Path model = BenchmarkModels.tinyMistral();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> classPath = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
        Path ownClasses = Path.of(JniPeerComparison.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String panamaPath = String.join(File.pathSeparator, classPath.stream().filter(e -> !isKherud(e)).toList());
        List<String> kherudEntries = new ArrayList<>(List.of(ownClasses.toString()));
        kherudEntries.addAll(classPath.stream().filter(JniPeerComparison::isKherud).toList());
        if (kherudEntries.size() < 2) {
            throw new IllegalStateException("de.kherud:llama is not on the class path: run through scripts/benchmark.sh --jni-peer");
        }
        String kherudPath = String.join(File.pathSeparator, kherudEntries);
        List<String> panamaOptions = List.of("--enable-native-access=ALL-UNNAMED", "-Dpanamallama.home=" + home);
        Path avx2 = avx2Libraries(home);
        List<String> avx2Options = avx2 == null ? null
                : List.of("--enable-native-access=ALL-UNNAMED", "-Dpanamallama.home=" + home, "-Dpanamallama.library.path=" + avx2);

        Map<String, String> probe = probe(jvm(java, panamaOptions, panamaPath, PanamaGenerationRun.class, "--probe"));
        int promptTokens = Integer.parseInt(probe.get("PROMPT_TOKENS"));
        int context = promptTokens + GenerationSample.GENERATED;
        String avx2Backend = avx2 == null ? null
                : probe(jvm(java, avx2Options, panamaPath, PanamaGenerationRun.class, "--probe")).get("CPU_BACKEND");
        System.out.printf("CPU: %s; flags: %s%n", cpuModel(), cpuFlags());
        System.out.printf("model %s, prompt %d tokens, %d generated, context %d, greedy; %d rounds, %d runs per JVM%n",
                model.getFileName(), promptTokens, GenerationSample.GENERATED, context, rounds, RUNS);
        System.out.printf("panama-llama: llama.cpp v0.5.0, CPU backend %s%s%n", probe.get("CPU_BACKEND"),
                avx2 == null ? " (no AVX2-only run: no haswell variant in build/natives/prebuilt/linux-x64, or no AVX2)"
                        : "; AVX2-only runs: " + avx2Backend);
        System.out.println("de.kherud:llama 4.2.0: llama.cpp b4916, one JNI library built for AVX2/FMA/F16C, OpenMP threads");

        for (int threads : threadCounts) {
            String t = Integer.toString(threads);
            List<Kind> kinds = new ArrayList<>();
            String warmups = Integer.toString(PANAMA_WARMUPS);
            String runs = Integer.toString(RUNS);
            kinds.add(new Kind("panama", jvm(java, panamaOptions, panamaPath, PanamaGenerationRun.class, t, warmups, runs,
                    String.join(",", PanamaGenerationRun.VARIANTS.keySet())), false, Map.of()));
            if (avx2 != null) {
                kinds.add(new Kind("panama-avx2", jvm(java, avx2Options, panamaPath, PanamaGenerationRun.class, t, warmups,
                        runs, "api,api-fa-off,c,c-fa-off"), false, Map.of()));
            }
            for (boolean flashAttention : List.of(false, true)) {
                kinds.add(new Kind("kherud", kherud(java, kherudPath, model, t, context, runs, flashAttention), true, Map.of()));
            }
            // OpenMP's idle threads spin (GOMP_SPINCOUNT) while the binding's server thread and the
            // Java thread reading its results want a core too; passive waiting shows that cost.
            kinds.add(new Kind("kherud-omp-passive", kherud(java, kherudPath, model, t, context, runs, false), true,
                    Map.of("OMP_WAIT_POLICY", "PASSIVE")));
            Map<String, Row> rows = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                List<Kind> order = new ArrayList<>(kinds);
                Collections.rotate(order, -round);
                for (Kind kind : order) {
                    runChild(kind, rows);
                }
                System.out.printf("threads %d: round %d of %d done%n", threads, round + 1, rounds);
            }
            print(threads, rows);
        }
    }

    private static boolean isKherud(String classPathEntry) {
        return classPathEntry.replace(File.separatorChar, '/').contains("/de/kherud/");
    }

    private static List<String> kherud(String java, String classPath, Path model, String threads, int context, String runs,
            boolean flashAttention) {
        return jvm(java, List.of("--enable-native-access=ALL-UNNAMED"), classPath, KherudGenerationRun.class,
                model.toString(), threads, Integer.toString(context), Integer.toString(KHERUD_WARMUPS), runs,
                Boolean.toString(flashAttention));
    }

    private static List<String> jvm(String java, List<String> options, String classPath, Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(options);
        command.addAll(List.of("-cp", classPath, main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** Runs a child; adds the median of its runs per variant to the rows (one figure per round). */
    private static void runChild(Kind kind, Map<String, Row> rows) throws IOException, InterruptedException {
        ChildOutput output = ChildOutput.run(kind.command(), kind.environment(), CHILD_TIMEOUT);
        Map<String, List<GenerationSample>> byVariant = new LinkedHashMap<>();
        for (String line : output.stdout()) {
            if (GenerationSample.isLine(line)) {
                GenerationSample sample = GenerationSample.parse(line);
                byVariant.computeIfAbsent(sample.variant(), v -> new ArrayList<>()).add(sample);
            }
        }
        if (byVariant.isEmpty()) {
            throw new IllegalStateException("child printed no samples: " + String.join(" ", kind.command()) + "\n"
                    + String.join("\n", output.stderrTail()));
        }
        List<Double> serverSpeeds = new ArrayList<>();
        if (kind.kherud()) {
            for (String line : output.stderr()) {
                Matcher eval = SERVER_EVAL.matcher(line);
                if (eval.find()) {
                    serverSpeeds.add(Double.parseDouble(eval.group(1)));
                }
            }
            // Warm-ups first: the measured runs are the last RUNS lines.
            serverSpeeds = serverSpeeds.subList(Math.max(0, serverSpeeds.size() - RUNS), serverSpeeds.size());
        }
        for (Map.Entry<String, List<GenerationSample>> entry : byVariant.entrySet()) {
            String name = switch (kind.label()) {
                case "panama-avx2" -> entry.getKey() + " (AVX2)";
                case "kherud-omp-passive" -> entry.getKey() + "-omp-passive";
                default -> entry.getKey();
            };
            Row row = rows.computeIfAbsent(name, n -> new Row());
            List<GenerationSample> samples = entry.getValue();
            row.speed.add(median(samples.stream().map(GenerationSample::tokensPerSecond).toList()));
            row.firstToken.add(median(samples.stream().map(GenerationSample::firstTokenMillis).toList()));
            row.generated.add(samples.getFirst().generated());
            row.digests.add(samples.getFirst().textDigest());
            if (!serverSpeeds.isEmpty()) {
                row.ownSpeed.add(median(serverSpeeds));
            }
        }
    }

    private static void print(int threads, Map<String, Row> rows) {
        System.out.printf("%n== %d thread%s: median of rounds [lowest - highest round]; \"/ api\": generation speed over the"
                + " Java API's (default settings) in the same round%n", threads, threads == 1 ? "" : "s");
        String format = "%-22s %-20s %-22s %-20s %-6s %-8s %s%n";
        System.out.printf(format, "variant", "generation tok/s", "/ api", "first token ms", "tokens", "text", "what");
        Row reference = rows.get("api");
        for (Map.Entry<String, Row> entry : rows.entrySet()) {
            Row row = entry.getValue();
            System.out.printf(format, entry.getKey(), spread(row.speed, "%.0f"),
                    reference == null ? "" : ratio(row, reference), spread(row.firstToken, "%.1f"),
                    row.generated.stream().distinct().map(String::valueOf).reduce((a, b) -> a + "/" + b).orElse(""),
                    row.digests.getFirst().substring(0, 8), describe(entry.getKey(), row));
        }
        System.out.println("text: the generated text's SHA-256, first 8 hex digits (the same digits: the same text)");
        Row likeForLike = rows.get("api-fa-off (AVX2)");
        for (String kherud : List.of("kherud", "kherud-omp-passive")) {
            if (rows.containsKey(kherud) && likeForLike != null) {
                System.out.printf("like for like (AVX2 variant, flash attention off): %s / api-fa-off (AVX2) = %s%n",
                        kherud, ratio(rows.get(kherud), likeForLike));
            }
        }
    }

    private static String describe(String variant, Row row) {
        String base = variant.replace(" (AVX2)", "");
        String text = switch (base) {
            case "kherud" -> "de.kherud 4.2.0 as shipped (flash attention off)";
            case "kherud-fa-on" -> "de.kherud 4.2.0, flash attention on";
            case "kherud-omp-passive" -> "de.kherud 4.2.0 as shipped, OMP_WAIT_POLICY=PASSIVE (OpenMP threads sleep, not spin)";
            default -> PanamaGenerationRun.VARIANTS.getOrDefault(base, "");
        };
        if (!row.ownSpeed.isEmpty()) {
            text += "; its server's own timer: " + spread(row.ownSpeed, "%.0f") + " tok/s";
        }
        return variant.endsWith("(AVX2)") ? text + "; AVX2 CPU variant" : text;
    }

    /** Per-round ratio of generation speeds: median [lowest - highest]. */
    private static String ratio(Row row, Row reference) {
        return spread(RoundStatistics.ratios(row.speed, reference.speed), "%.2f");
    }

    private static Map<String, String> probe(List<String> command) throws IOException, InterruptedException {
        ChildOutput output = ChildOutput.run(command, Map.of(), CHILD_TIMEOUT);
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : output.stdout()) {
            int space = line.indexOf(' ');
            if (space > 0) {
                values.put(line.substring(0, space), line.substring(space + 1));
            }
        }
        if (!values.containsKey("PROMPT_TOKENS")) {
            throw new IllegalStateException("the probe JVM failed:\n" + String.join("\n", output.stderrTail()));
        }
        return values;
    }

    /**
     * A directory with the prebuilt llama.cpp and only its AVX2 ("haswell") CPU variant, for
     * {@code panamallama.library.path}: ggml then cannot pick a wider one. Null when there is
     * no such variant or the CPU lacks AVX2.
     */
    private static Path avx2Libraries(Path home) throws IOException {
        Path prebuilt = home.resolve("build/natives/prebuilt/linux-x64");
        if (!Files.isRegularFile(prebuilt.resolve("libggml-cpu-haswell.so")) || !cpuFlags().contains("avx2")) {
            return null;
        }
        Path directory = home.resolve("build/benchmarks/natives-avx2");
        Files.createDirectories(directory);
        try (Stream<Path> files = Files.list(prebuilt)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                boolean wanted = name.endsWith(".so") && (!name.startsWith("libggml-cpu-") || name.equals("libggml-cpu-haswell.so"))
                        && !name.equals("libllama-common.so");
                Path link = directory.resolve(name);
                if (wanted && !Files.exists(link)) {
                    // A hard link, not a symbolic one: the loader reports (and $ORIGIN resolves)
                    // the directory a library was opened from.
                    Files.createLink(link, file);
                }
            }
        }
        return directory;
    }

    private static String cpuModel() throws IOException {
        return cpuInfo("model name");
    }

    /** Which of the instruction-set flags that matter here the CPU has. */
    private static String cpuFlags() throws IOException {
        List<String> flags = List.of(cpuInfo("flags").split(" "));
        List<String> present = Stream.of("avx", "avx2", "fma", "f16c", "avx512f", "avx512_bf16", "avx512_vnni", "avx_vnni")
                .filter(flags::contains).toList();
        return String.join(" ", present);
    }

    private static String cpuInfo(String key) throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return "unknown";
        }
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(line -> line.startsWith(key)).findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).trim()).orElse("unknown");
        }
    }
}
