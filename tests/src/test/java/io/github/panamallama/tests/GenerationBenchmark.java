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
 * Prints prompt-processing and generation speed through the Java API and through the plain C
 * program, run alternately in one process on the same library and model, with their ratio;
 * and the bytes the Java side allocates per generated token. Not a test: run it with
 * {@code scripts/benchmark.sh [model.gguf] [rounds]}.
 */
public final class GenerationBenchmark {
    private static final int THREADS = 2;
    private static final int GENERATED = 256;

    private GenerationBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path model = args.length > 0 ? Path.of(args[0]) : TestFixtures.tinyMistralF16();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String prompt = String.join(" ", Collections.nCopies(40, "The quick brown fox jumps over the lazy dog."));
        Path work = Files.createTempDirectory("panama-llama-bench");
        ReferenceProgram reference = ReferenceProgram.compile(work);
        List<double[]> java = new ArrayList<>();
        List<double[]> c = new ArrayList<>();
        try (LlamaModel llama = LlamaModel.load(model)) {
            int promptTokens = llama.vocabulary().tokenize(prompt, true, true).length;
            javaRun(llama, prompt, promptTokens, 16); // warm-up: class loading, JIT of the loop
            for (int round = 0; round < rounds; round++) {
                java.add(javaRun(llama, prompt, promptTokens, GENERATED));
                var run = reference.run(model, GENERATED, "greedy", THREADS, prompt, true);
                c.add(new double[] {
                        run.figures().get("prompt_tokens") * 1e6 / run.figures().get("prompt_us"),
                        run.figures().get("generated_tokens") * 1e6 / run.figures().get("generation_us")});
            }
            double perToken = allocatedPerToken(llama, prompt, promptTokens);
            System.out.printf("model: %s, prompt %d tokens, %d generated, %d threads, median of %d rounds%n",
                    model.getFileName(), promptTokens, GENERATED, THREADS, rounds);
            print("prompt processing", median(java, 0), median(c, 0));
            print("generation", median(java, 1), median(c, 1));
            System.out.printf("Java heap allocated per generated token: %.0f bytes%n", perToken);
        }
    }

    private static void print(String what, double java, double c) {
        System.out.printf("%-18s Java %9.1f tok/s   C %9.1f tok/s   Java/C %.3f%n", what, java, c, java / c);
    }

    /** Prompt tokens/s and generation tokens/s of one greedy run with the C program's settings. */
    private static double[] javaRun(LlamaModel model, String prompt, int promptTokens, int generate) {
        ContextOptions options = ContextOptions.builder().contextLength(promptTokens + generate)
                .batchSize(promptTokens).threads(THREADS).build();
        try (LlamaContext context = LlamaContext.create(model, options); Sampler greedy = Sampler.greedy(model)) {
            Completion completion = context.complete(prompt, GenerationOptions.builder()
                    .maxTokens(generate).sampler(greedy).parseSpecial(true).build());
            return new double[] {completion.timings().promptTokensPerSecond(), completion.timings().tokensPerSecond()};
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

    private static double median(List<double[]> runs, int index) {
        double[] values = runs.stream().mapToDouble(run -> run[index]).sorted().toArray();
        return values[values.length / 2];
    }
}
