package io.github.panamallama.benchmarks;

import io.github.panamallama.Completion;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.GenerationHandle;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.GenerationResult;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.ParallelGenerator;
import io.github.panamallama.ParallelOptions;
import io.github.panamallama.Sampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Aggregate generation speed of N requests on the tiny-Mistral fixture: one after another on a
 * single-sequence context ({@link LlamaContext#complete}), against all at once on one context
 * of N sequences ({@link ParallelGenerator}, one batch per step). Greedy, end-of-generation
 * banned, so every request generates the same number of tokens. It also counts the requests
 * whose tokens differ from their sequential run: ggml's CPU matrix products take another
 * kernel for one token than for several (llamafile's sgemm), so rounding differs with the batch
 * and a near tie between two tokens can go the other way. Prints the machine's load average
 * before and after, as other work on the machine moves the figures.
 *
 * <p>Run after {@code ./mvnw verify -DskipTests}:
 * {@code java --enable-native-access=ALL-UNNAMED -Dpanamallama.home=. -cp "benchmarks/target/classes:$(cat
 * benchmarks/target/benchmark.classpath)" io.github.panamallama.benchmarks.ParallelThroughput [THREADS [TOKENS [N,...]]]}
 * (defaults: 2 threads, 128 tokens per request, N = 1,4,8). The prompt cache is off, so every
 * round decodes every prompt in full, as the sequential runs do.
 */
public final class ParallelThroughput {
    private static final int CONTEXT_PER_SEQUENCE = 512;
    private static final int ROUNDS = 3;

    private ParallelThroughput() {}

    public static void main(String[] args) throws IOException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int[] counts = args.length > 2
                ? java.util.Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 4, 8};
        System.out.println("load average before: " + loadAverage());
        try (LlamaModel model = LlamaModel.load(BenchmarkModels.tinyMistral())) {
            System.out.printf(Locale.ROOT, "tiny-Mistral F16 fixture, %d threads, %d tokens per request%n", threads, tokens);
            System.out.println("requests  sequential tok/s  parallel tok/s  speed-up  differing outputs");
            measure(model, threads, tokens, 2); // warm-up: page the weights in, JIT the loops
            for (int n : counts) {
                double[] figures = measure(model, threads, tokens, n);
                System.out.printf(Locale.ROOT, "%8d  %16.0f  %14.0f  %7.2fx  %d of %d%n", n, figures[0], figures[1],
                        figures[1] / figures[0], (int) figures[2], n);
            }
        }
        System.out.println("load average after: " + loadAverage());
    }

    /**
     * Aggregate tokens/s one after another, then all at once (the best of {@link #ROUNDS}
     * rounds each, as other work on the machine only ever slows a round down), and how many
     * outputs differ. Creating the contexts is not timed.
     */
    private static double[] measure(LlamaModel model, int threads, int tokens, int n) {
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            prompts.add("Request " + i + ": " + GenerationSample.PROMPT.substring(0, 120 + 7 * i));
        }
        double sequentialSpeed = 0;
        double parallelSpeed = 0;
        int differing = 0;
        try (LlamaContext single = model.newContext(ContextOptions.builder().contextLength(CONTEXT_PER_SEQUENCE)
                     .threads(threads).build());
             LlamaContext shared = model.newContext(ContextOptions.builder().contextLength(CONTEXT_PER_SEQUENCE * n)
                     .sequences(n).unifiedMemory(true).threads(threads).build())) {
            for (int round = 0; round < ROUNDS; round++) {
                List<int[]> sequential = new ArrayList<>();
                long start = System.nanoTime();
                for (String prompt : prompts) {
                    try (Sampler sampler = noEos(model)) {
                        Completion completion = single.complete(prompt, options(tokens, sampler));
                        sequential.add(completion.tokens());
                    }
                }
                sequentialSpeed = Math.max(sequentialSpeed, n * tokens * 1e9 / (System.nanoTime() - start));

                List<Sampler> samplers = new ArrayList<>();
                try (ParallelGenerator generator = new ParallelGenerator(shared,
                        ParallelOptions.builder().promptCache(false).build())) {
                    List<GenerationHandle> handles = new ArrayList<>();
                    start = System.nanoTime();
                    for (String prompt : prompts) {
                        Sampler sampler = noEos(model);
                        samplers.add(sampler);
                        handles.add(generator.submit(prompt, options(tokens, sampler)));
                    }
                    List<GenerationResult> results = new ArrayList<>();
                    for (GenerationHandle handle : handles) {
                        results.add(handle.join());
                    }
                    parallelSpeed = Math.max(parallelSpeed, n * tokens * 1e9 / (System.nanoTime() - start));
                    differing = 0;
                    for (int i = 0; i < n; i++) {
                        if (results.get(i).usage().completionTokens() != tokens) {
                            throw new IllegalStateException("request " + i + " ended early: " + results.get(i).stopReason());
                        }
                        if (!java.util.Arrays.equals(sequential.get(i), results.get(i).completion().tokens())) {
                            differing++;
                        }
                    }
                } finally {
                    samplers.forEach(Sampler::close);
                }
            }
        }
        return new double[] {sequentialSpeed, parallelSpeed, differing};
    }

    private static Sampler noEos(LlamaModel model) {
        int eos = model.vocabulary().eos().orElseThrow();
        return Sampler.builder(model).logitBias(Map.of(eos, Float.NEGATIVE_INFINITY)).greedy().build();
    }

    private static GenerationOptions options(int tokens, Sampler sampler) {
        return GenerationOptions.builder().maxTokens(tokens).sampler(sampler).build();
    }

    private static String loadAverage() throws IOException {
        Path loadavg = Path.of("/proc/loadavg");
        return Files.isReadable(loadavg) ? Files.readString(loadavg).strip() : "(unknown)";
    }
}
