package io.github.panamallama.tests;

import io.github.panamallama.Completion;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.Sampler;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Generation speed through the Java API against the plain C loop, side by side in one process.
 *
 * <p>Each round runs the C reference program as a separate process first (another llama.cpp
 * process on the same model, just before ours, as a server beside a CLI would be); then the
 * Java API and the C loop in-process with the same context settings and the same persistent
 * threadpool ({@link NativeGenerationLoop}), in alternating order; then the C loop in-process
 * with ggml's per-graph threads, which is what both sides did before contexts kept a pool. The Java/C ratio is taken
 * per round and reported as its median with the lowest and highest round.
 *
 * <p>Not a test: run it with {@code scripts/benchmark.sh [model.gguf] [rounds]}. Properties:
 * {@code bench.threads} (default 2), {@code bench.polling} (default ggml's 50),
 * {@code bench.busyNeighbour} (true: a process keeps one core busy for the whole run, as any other
 * job on the machine would; with per-graph threads that is what made generation collapse).
 */
public final class GenerationBenchmark {
    private static final int THREADS = Integer.getInteger("bench.threads", 2);
    private static final int POLLING = Integer.getInteger("bench.polling", ContextOptions.DEFAULT_THREAD_POLLING);
    private static final int GENERATED = 256;
    private static final boolean BUSY_NEIGHBOUR = Boolean.getBoolean("bench.busyNeighbour");

    private GenerationBenchmark() {}

    public static void main(String[] args) throws Throwable {
        Path model = args.length > 0 ? Path.of(args[0]) : TestFixtures.tinyMistralF16();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String prompt = String.join(" ", Collections.nCopies(40, "The quick brown fox jumps over the lazy dog."));
        Path work = Files.createTempDirectory("panama-llama-bench");
        ReferenceProgram otherProcess = ReferenceProgram.compile(work);
        NativeGenerationLoop c = NativeGenerationLoop.compile(work);
        List<NativeGenerationLoop.Speeds> java = new ArrayList<>();
        List<NativeGenerationLoop.Speeds> pooled = new ArrayList<>();
        List<NativeGenerationLoop.Speeds> perGraph = new ArrayList<>();
        List<Double> otherProcessGeneration = new ArrayList<>();
        Process neighbour = BUSY_NEIGHBOUR ? new ProcessBuilder("sh", "-c", "while :; do :; done").start() : null;
        try (LlamaModel llama = LlamaModel.load(model)) {
            int promptTokens = llama.vocabulary().tokenize(prompt, true, true).length;
            // Warm-up: class loading and JIT compilation of the loop, which would otherwise run on
            // compiler threads competing with ggml's threads for the cores during the first rounds.
            for (int i = 0; i < 3; i++) {
                javaRun(llama, prompt, promptTokens, GENERATED);
                c.generate(llama, prompt, GENERATED, THREADS, POLLING);
            }
            System.out.printf("round  other process tg | Java pp, tg | C pp, tg (same pool) | Java/C tg | C tg (per-graph threads)%n");
            for (int round = 0; round < rounds; round++) {
                var other = otherProcess.run(model, GENERATED, "greedy", THREADS, prompt, true).figures();
                otherProcessGeneration.add(other.get("generated_tokens") * 1e6 / other.get("generation_us"));
                // Which side runs first after the other process alternates, so neither always
                // meets the caches and cores that process left behind.
                if (round % 2 == 0) {
                    java.add(javaRun(llama, prompt, promptTokens, GENERATED));
                    pooled.add(c.generate(llama, prompt, GENERATED, THREADS, POLLING));
                } else {
                    pooled.add(c.generate(llama, prompt, GENERATED, THREADS, POLLING));
                    java.add(javaRun(llama, prompt, promptTokens, GENERATED));
                }
                perGraph.add(c.generate(llama, prompt, GENERATED, THREADS, NativeGenerationLoop.NO_THREADPOOL));
                System.out.printf("%5d %17.1f | %7.0f %6.1f | %7.0f %6.1f | %9.3f | %6.1f%n", round,
                        otherProcessGeneration.getLast(), java.getLast().prompt(), java.getLast().generation(),
                        pooled.getLast().prompt(), pooled.getLast().generation(),
                        java.getLast().generation() / pooled.getLast().generation(), perGraph.getLast().generation());
            }
            double perToken = allocatedPerToken(llama, prompt, promptTokens);
            System.out.printf("model: %s, prompt %d tokens, %d generated, %d threads, polling %d, %d rounds%s%n",
                    model.getFileName(), promptTokens, GENERATED, THREADS, POLLING, rounds,
                    BUSY_NEIGHBOUR ? ", one core kept busy by another process" : "");
            printRatio("prompt processing", java, pooled, NativeGenerationLoop.Speeds::prompt);
            printRatio("generation", java, pooled, NativeGenerationLoop.Speeds::generation);
            System.out.printf("C loop with per-graph threads: generation median %.1f tok/s%n",
                    median(perGraph.stream().map(NativeGenerationLoop.Speeds::generation).toList()));
            System.out.printf("C program in its own process (loads the model each run): generation median %.1f tok/s%n",
                    median(otherProcessGeneration));
            System.out.printf("Java heap allocated per generated token: %.0f bytes%n", perToken);
        } finally {
            if (neighbour != null) {
                neighbour.destroyForcibly();
            }
        }
    }

    private static void printRatio(String what, List<NativeGenerationLoop.Speeds> java, List<NativeGenerationLoop.Speeds> c,
            java.util.function.ToDoubleFunction<NativeGenerationLoop.Speeds> figure) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < java.size(); i++) {
            ratios.add(figure.applyAsDouble(java.get(i)) / figure.applyAsDouble(c.get(i)));
        }
        System.out.printf("%-18s Java %9.1f tok/s   C %9.1f tok/s   Java/C median %.3f (rounds %.3f - %.3f)%n", what,
                median(java.stream().map(figure::applyAsDouble).toList()),
                median(c.stream().map(figure::applyAsDouble).toList()),
                median(ratios), Collections.min(ratios), Collections.max(ratios));
    }

    /** Prompt and generation tokens/s of one greedy run with the C loop's settings. */
    private static NativeGenerationLoop.Speeds javaRun(LlamaModel model, String prompt, int promptTokens, int generate) {
        ContextOptions options = ContextOptions.builder().contextLength(promptTokens + generate)
                .batchSize(promptTokens).threads(THREADS).threadPolling(POLLING).build();
        try (LlamaContext context = LlamaContext.create(model, options); Sampler greedy = Sampler.greedy(model)) {
            Completion completion = context.complete(prompt, GenerationOptions.builder()
                    .maxTokens(generate).sampler(greedy).parseSpecial(true).build());
            return new NativeGenerationLoop.Speeds(completion.timings().promptTokensPerSecond(),
                    completion.timings().tokensPerSecond());
        }
    }

    /** The marginal heap allocation per token: two lengths of the same generation, differenced. */
    private static double allocatedPerToken(LlamaModel model, String prompt, int promptTokens) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(thread);
        javaRun(model, prompt, promptTokens, GENERATED / 4);
        long shortRun = threads.getThreadAllocatedBytes(thread) - before;
        before = threads.getThreadAllocatedBytes(thread);
        javaRun(model, prompt, promptTokens, GENERATED);
        long longRun = threads.getThreadAllocatedBytes(thread) - before;
        return (double) (longRun - shortRun) / (GENERATED - GENERATED / 4);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
