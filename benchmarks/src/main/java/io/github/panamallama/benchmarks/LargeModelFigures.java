package io.github.panamallama.benchmarks;

import static io.github.panamallama.benchmarks.RoundStatistics.median;

import io.github.panamallama.CacheType;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.LlamaModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of {@code scripts/benchmark.sh --7b}: what running a 7B-class model costs through
 * the API, printed as one table.
 *
 * <ul>
 *   <li>pp512 and tg128 (128 tokens generated after that 512-token prompt): the Java API against
 *       the C loop in this process on the same loaded model, alternating per round
 *       ({@link InProcessComparison.Round}), as medians with the per-round ratio's spread;
 *   <li>in a fresh JVM per setting ({@link ContextFootprint}), so that resident memory is that
 *       setting's alone: model load time, context creation time, and resident memory after
 *       creating the context at 4K and 32K tokens with weight repacking on and off; at 32K, a Q8_0
 *       KV cache against F16 (llama.cpp's size report, resident memory, generation speed).
 * </ul>
 *
 * <p>The fresh JVMs run first, before this process loads the model, so that two copies of a 7B
 * model never share the machine's memory. Arguments: {@code MODEL.gguf [ROUNDS]} (default 5).
 * Property {@code bench.threads} (default 2).
 */
public final class LargeModelFigures {
    static final int PROMPT_TOKENS = 512;
    static final int GENERATED = 128;
    static final int SHORT_CONTEXT = 4096;
    static final int LONG_CONTEXT = 32768;
    /** Tokens generated in each fresh JVM: enough for a speed, few enough to stay short on a 7B. */
    static final int FOOTPRINT_GENERATED = 32;
    private static final int THREADS = Integer.getInteger("bench.threads", 2);
    private static final Duration CHILD_TIMEOUT = Duration.ofMinutes(20);

    private LargeModelFigures() {}

    public static void main(String[] args) throws Throwable {
        if (args.length < 1 || args.length > 2) {
            throw new IllegalArgumentException("arguments: MODEL.gguf [ROUNDS]; got " + List.of(args));
        }
        Path model = Path.of(args[0]);
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("no model file at " + model);
        }
        int rounds = args.length > 1 ? positive(args[1]) : 5;
        MachineDescription machine = MachineDescription.current();
        String loadBefore = MachineDescription.loadAverage();
        System.out.println("model " + model.getFileName() + String.format(Locale.ROOT, " (%.2f GiB)", Files.size(model) / GIB)
                + ", " + THREADS + " threads, " + rounds + " rounds");
        System.out.println(machine.describe());
        System.out.println("load average at start: " + loadBefore);

        List<ContextFootprint> footprints = new ArrayList<>();
        for (Setting setting : SETTINGS) {
            footprints.add(footprint(model, setting));
            System.out.println("  fresh JVM: " + footprints.getLast().line());
        }

        CGenerationLoop c = CGenerationLoop.compile();
        List<GenerationTiming> java = new ArrayList<>();
        List<GenerationTiming> cLoop = new ArrayList<>();
        double firstLoadMillis;
        long start = System.nanoTime();
        try (LlamaModel llama = LlamaModel.load(model)) {
            firstLoadMillis = (System.nanoTime() - start) / 1e6;
            String prompt = PromptOfLength.of(llama.vocabulary(), PROMPT_TOKENS);
            LoopSettings settings = LoopSettings.forPrompt(PROMPT_TOKENS, GENERATED, THREADS,
                    ContextOptions.DEFAULT_THREAD_POLLING);
            // One short warm-up per side: the weights' pages and repacked buffers in place, the
            // loop's classes loaded (on a 7B, JIT compilation is small beside a token's compute).
            LoopSettings warmUp = LoopSettings.forPrompt(PROMPT_TOKENS, 4, THREADS, ContextOptions.DEFAULT_THREAD_POLLING);
            ApiGeneration.generate(llama, warmUp, prompt);
            c.generate(llama, warmUp, prompt);
            System.out.println("round | Java pp, tg | C pp, tg | Java/C pp, tg");
            for (int round = 0; round < rounds; round++) {
                InProcessComparison.Round pair = InProcessComparison.Round.run(round, llama, c, settings, prompt);
                java.add(pair.java());
                cLoop.add(pair.c());
                System.out.printf(Locale.ROOT, "%5d | %6.2f %6.2f | %6.2f %6.2f | %.3f %.3f%n", round,
                        pair.java().promptTokensPerSecond(), pair.java().tokensPerSecond(), pair.c().promptTokensPerSecond(),
                        pair.c().tokensPerSecond(), pair.java().promptTokensPerSecond() / pair.c().promptTokensPerSecond(),
                        pair.java().tokensPerSecond() / pair.c().tokensPerSecond());
            }
        }
        FigureTable table = new FigureTable();
        table.row("pp" + PROMPT_TOKENS + ", Java API vs C loop in one process",
                InProcessComparison.ratio(java, cLoop, GenerationTiming::promptTokensPerSecond).strip());
        table.row("tg" + GENERATED + " (after that prompt), Java API vs C loop",
                InProcessComparison.ratio(java, cLoop, GenerationTiming::tokensPerSecond).strip());
        ContextFootprint shortOn = find(footprints, SHORT_CONTEXT, true, CacheType.F16);
        ContextFootprint shortOff = find(footprints, SHORT_CONTEXT, false, CacheType.F16);
        ContextFootprint longOn = find(footprints, LONG_CONTEXT, true, CacheType.F16);
        ContextFootprint longOff = find(footprints, LONG_CONTEXT, false, CacheType.F16);
        ContextFootprint longQ8 = find(footprints, LONG_CONTEXT, true, CacheType.Q8_0);
        table.row("model load, repacking on / off (fresh JVM, file in page cache)", String.format(Locale.ROOT,
                "%.2f s / %.2f s (first load in the comparison's JVM: %.2f s)",
                median(footprints.stream().filter(ContextFootprint::repacking).map(f -> f.loadMillis() / 1e3).toList()),
                median(footprints.stream().filter(f -> !f.repacking()).map(f -> f.loadMillis() / 1e3).toList()),
                firstLoadMillis / 1e3));
        table.row("context creation, 4K / 32K (F16 KV)", String.format(Locale.ROOT, "%.3f s / %.3f s",
                shortOn.contextMillis() / 1e3, longOn.contextMillis() / 1e3));
        table.row("RSS after context creation, 4K, repacking on / off", rss(shortOn) + " / " + rss(shortOff));
        table.row("RSS after context creation, 32K, repacking on / off", rss(longOn) + " / " + rss(longOff));
        table.row("generation, 4K context, repacking on / off", String.format(Locale.ROOT, "%.2f / %.2f tok/s",
                shortOn.tokensPerSecond(), shortOff.tokensPerSecond()));
        table.row("KV cache at 32K, F16 / Q8_0 (llama.cpp's size)", String.format(Locale.ROOT, "%.0f MiB / %.0f MiB",
                longOn.kvMiB(), longQ8.kvMiB()));
        table.row("RSS at 32K, F16 / Q8_0 KV (repacking on)", rss(longOn) + " / " + rss(longQ8));
        table.row("generation at 32K context, F16 / Q8_0 KV", String.format(Locale.ROOT, "%.2f / %.2f tok/s",
                longOn.tokensPerSecond(), longQ8.tokensPerSecond()));
        System.out.println();
        System.out.println(table.format());
        System.out.println("pp and tg are the API's own timings (prompt decode; end of prompt to last sampled token), "
                + "medians over " + rounds + " rounds; generation in fresh JVMs: " + FOOTPRINT_GENERATED
                + " tokens after a short prompt, flash attention on; RSS = VmRSS (anonymous + mapped file pages)");
        System.out.println("load average at end: " + MachineDescription.loadAverage());
    }

    private static final double GIB = 1024.0 * 1024 * 1024;

    /** One fresh JVM's setting. */
    private record Setting(int contextLength, boolean repacking, CacheType kvType) {}

    private static final List<Setting> SETTINGS = List.of(new Setting(SHORT_CONTEXT, true, CacheType.F16),
            new Setting(SHORT_CONTEXT, false, CacheType.F16), new Setting(LONG_CONTEXT, true, CacheType.F16),
            new Setting(LONG_CONTEXT, false, CacheType.F16), new Setting(LONG_CONTEXT, true, CacheType.Q8_0));

    private static ContextFootprint footprint(Path model, Setting setting) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dpanamallama.home=" + BenchmarkModels.home(),
                "-cp", System.getProperty("java.class.path"), ContextFootprint.class.getName(), model.toString(),
                Integer.toString(setting.contextLength()), Boolean.toString(setting.repacking()),
                setting.kvType().name().toLowerCase(Locale.ROOT), Integer.toString(THREADS),
                Integer.toString(FOOTPRINT_GENERATED)));
        ChildOutput output = ChildOutput.run(command, Map.of(), CHILD_TIMEOUT);
        return output.stdout().stream().filter(ContextFootprint::isLine).map(ContextFootprint::parse).findFirst()
                .orElseThrow(() -> new IllegalStateException("the child printed no footprint: " + String.join(" ", command)
                        + "\n" + String.join("\n", output.stderrTail())));
    }

    private static ContextFootprint find(List<ContextFootprint> footprints, int contextLength, boolean repacking,
            CacheType kvType) {
        return footprints.stream().filter(f -> f.contextLength() == contextLength && f.repacking() == repacking
                && f.kvType() == kvType).findFirst().orElseThrow();
    }

    private static String rss(ContextFootprint footprint) {
        return String.format(Locale.ROOT, "%.2f GiB (anon %.2f, file %.2f)", footprint.rssKiB() / 1048576.0,
                footprint.anonKiB() / 1048576.0, footprint.fileKiB() / 1048576.0);
    }

    private static int positive(String argument) {
        try {
            int value = Integer.parseInt(argument);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("ROUNDS must be a whole number above 0: " + argument);
    }

    /** Rows of "what | figure", printed as a Markdown table with aligned columns. */
    static final class FigureTable {
        private final List<String[]> rows = new ArrayList<>();

        void row(String what, String figure) {
            rows.add(new String[] {what, figure.replaceAll("\\s+", " ")});
        }

        String format() {
            int width = rows.stream().mapToInt(row -> row[0].length()).max().orElse(4);
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "| %-" + width + "s | figure |%n", "what"));
            out.append("| ").append("-".repeat(width)).append(" | --- |").append(System.lineSeparator());
            for (String[] row : rows) {
                out.append(String.format(Locale.ROOT, "| %-" + width + "s | %s |%n", row[0], row[1]));
            }
            return out.toString().stripTrailing();
        }
    }
}
