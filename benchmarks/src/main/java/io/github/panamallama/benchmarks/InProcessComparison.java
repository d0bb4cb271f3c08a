package io.github.panamallama.benchmarks;

import static io.github.panamallama.benchmarks.RoundStatistics.median;

import io.github.panamallama.ContextOptions;
import io.github.panamallama.LlamaModel;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Generation speed through the Java API against the plain C loop, side by side in one process,
 * on one loaded model: what {@code scripts/benchmark.sh [MODEL.gguf] [ROUNDS]} runs.
 *
 * <p>Each round runs the C loop as a separate process first ({@link CGenerationProcess}: another
 * llama.cpp process on the same model, just before ours, as a server beside a CLI would be);
 * then the Java API ({@link ApiGeneration}) and the C loop in this process ({@link CGenerationLoop})
 * with the same {@link LoopSettings}, the same persistent threadpool included, in alternating
 * order; then the C loop in this process with ggml's per-graph threads, which is what both sides
 * did before contexts kept a pool. The Java/C ratio is taken per round and reported as its median
 * with the lowest and highest round. Speeds are the API's own definitions
 * ({@link GenerationTiming#promptTokensPerSecond()}, {@link GenerationTiming#tokensPerSecond()}),
 * which the C loop measures the same way.
 *
 * <p>Arguments: {@code [MODEL.gguf] [ROUNDS]} (default: the tiny-Mistral fixture, 5 rounds).
 * Properties: {@code bench.threads} (default 2), {@code bench.polling} (default ggml's 50),
 * {@code bench.busyNeighbour} (true: a process keeps one core busy for the whole run, as any
 * other job on the machine would; with per-graph threads that is what made generation collapse).
 */
public final class InProcessComparison {
    private static final int THREADS = Integer.getInteger("bench.threads", 2);
    private static final int POLLING = Integer.getInteger("bench.polling", ContextOptions.DEFAULT_THREAD_POLLING);
    private static final boolean BUSY_NEIGHBOUR = Boolean.getBoolean("bench.busyNeighbour");

    private InProcessComparison() {}

    public static void main(String[] args) throws Throwable {
        if (args.length > 2) {
            throw new IllegalArgumentException("arguments: [MODEL.gguf] [ROUNDS]; got " + List.of(args));
        }
        Path model = args.length > 0 ? Path.of(args[0]) : BenchmarkModels.tinyMistral();
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("no model file at " + model);
        }
        int rounds = args.length > 1 ? rounds(args[1]) : 5;
        CGenerationProcess otherProcess = CGenerationProcess.compile();
        CGenerationLoop c = CGenerationLoop.compile();
        List<GenerationTiming> java = new ArrayList<>();
        List<GenerationTiming> pooled = new ArrayList<>();
        List<GenerationTiming> perGraph = new ArrayList<>();
        List<Double> otherProcessGeneration = new ArrayList<>();
        Process neighbour = BUSY_NEIGHBOUR ? new ProcessBuilder("sh", "-c", "while :; do :; done").start() : null;
        try (LlamaModel llama = LlamaModel.load(model)) {
            int promptTokens = llama.vocabulary().tokenize(GenerationSample.PROMPT, true, true).length;
            LoopSettings settings = LoopSettings.forPrompt(promptTokens, GenerationSample.GENERATED, THREADS, POLLING);
            LoopSettings perGraphThreads = settings.withPolling(LoopSettings.NO_THREADPOOL);
            // Warm-up: class loading and JIT compilation of the loop, which would otherwise run on
            // compiler threads competing with ggml's threads for the cores during the first rounds.
            for (int i = 0; i < 3; i++) {
                ApiGeneration.generate(llama, settings);
                c.generate(llama, settings);
            }
            System.out.printf("round  other process tg | Java pp, tg | C pp, tg (same pool) | Java/C tg | C tg (per-graph threads)%n");
            for (int round = 0; round < rounds; round++) {
                otherProcessGeneration.add(otherProcess.run(model, GenerationSample.GENERATED, THREADS,
                        LoopSettings.NO_THREADPOOL).tokensPerSecond());
                // Which side runs first after the other process alternates, so neither always
                // meets the caches and cores that process left behind.
                Round pair = Round.run(round, llama, c, settings, GenerationSample.PROMPT);
                java.add(pair.java());
                pooled.add(pair.c());
                perGraph.add(c.generate(llama, perGraphThreads));
                System.out.printf("%5d %17.1f | %7.0f %6.1f | %7.0f %6.1f | %9.3f | %6.1f%n", round,
                        otherProcessGeneration.getLast(), java.getLast().promptTokensPerSecond(),
                        java.getLast().tokensPerSecond(), pooled.getLast().promptTokensPerSecond(),
                        pooled.getLast().tokensPerSecond(), java.getLast().tokensPerSecond() / pooled.getLast().tokensPerSecond(),
                        perGraph.getLast().tokensPerSecond());
            }
            double perToken = allocatedPerToken(llama, promptTokens);
            System.out.printf("model: %s, prompt %d tokens, %d generated, %d threads, polling %d, %d rounds%s%n",
                    model.getFileName(), promptTokens, GenerationSample.GENERATED, THREADS, POLLING, rounds,
                    BUSY_NEIGHBOUR ? ", one core kept busy by another process" : "");
            printRatio("prompt processing", java, pooled, GenerationTiming::promptTokensPerSecond);
            printRatio("generation", java, pooled, GenerationTiming::tokensPerSecond);
            System.out.printf("C loop with per-graph threads: generation median %.1f tok/s%n",
                    median(perGraph.stream().map(GenerationTiming::tokensPerSecond).toList()));
            System.out.printf("C program in its own process (loads the model each run): generation median %.1f tok/s%n",
                    median(otherProcessGeneration));
            System.out.printf("Java heap allocated per generated token: %.0f bytes%n", perToken);
        } finally {
            if (neighbour != null) {
                neighbour.destroyForcibly();
            }
        }
    }

    private static int rounds(String argument) {
        try {
            int rounds = Integer.parseInt(argument);
            if (rounds > 0) {
                return rounds;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("ROUNDS must be a whole number above 0: " + argument);
    }

    private static void printRatio(String what, List<GenerationTiming> java, List<GenerationTiming> c,
            ToDoubleFunction<GenerationTiming> figure) {
        System.out.printf("%-18s %s%n", what, ratio(java, c, figure));
    }

    /** "Java X tok/s   C Y tok/s   Java/C median R (rounds LOW - HIGH)", medians over the rounds. */
    static String ratio(List<GenerationTiming> java, List<GenerationTiming> c, ToDoubleFunction<GenerationTiming> figure) {
        List<Double> javaFigures = java.stream().map(figure::applyAsDouble).toList();
        List<Double> cFigures = c.stream().map(figure::applyAsDouble).toList();
        List<Double> ratios = RoundStatistics.ratios(javaFigures, cFigures);
        return String.format(Locale.ROOT, "Java %9.1f tok/s   C %9.1f tok/s   Java/C median %.3f (rounds %.3f - %.3f)",
                median(javaFigures), median(cFigures), median(ratios), Collections.min(ratios), Collections.max(ratios));
    }

    /** One round's Java API run and C loop run, same model, settings and prompt. */
    record Round(GenerationTiming java, GenerationTiming c) {
        /** Even rounds run Java first, odd rounds C first, so neither always runs second. */
        static Round run(int round, LlamaModel model, CGenerationLoop c, LoopSettings settings, String prompt)
                throws Throwable {
            if (round % 2 == 0) {
                GenerationTiming java = ApiGeneration.generate(model, settings, prompt);
                return new Round(java, c.generate(model, settings, prompt));
            }
            GenerationTiming cTiming = c.generate(model, settings, prompt);
            return new Round(ApiGeneration.generate(model, settings, prompt), cTiming);
        }
    }

    /** The marginal heap allocation per token: two lengths of the same generation, differenced. */
    private static double allocatedPerToken(LlamaModel model, int promptTokens) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        int longer = GenerationSample.GENERATED;
        int shorter = longer / 4;
        long before = threads.getThreadAllocatedBytes(thread);
        ApiGeneration.generate(model, LoopSettings.forPrompt(promptTokens, shorter, THREADS, POLLING));
        long shortRun = threads.getThreadAllocatedBytes(thread) - before;
        before = threads.getThreadAllocatedBytes(thread);
        ApiGeneration.generate(model, LoopSettings.forPrompt(promptTokens, longer, THREADS, POLLING));
        long longRun = threads.getThreadAllocatedBytes(thread) - before;
        return (double) (longRun - shortRun) / (longer - shorter);
    }
}
