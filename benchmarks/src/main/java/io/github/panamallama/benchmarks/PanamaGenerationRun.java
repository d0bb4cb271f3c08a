package io.github.panamallama.benchmarks;

import io.github.panamallama.Completion;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.FlashAttention;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.LlamaRuntime;
import io.github.panamallama.Sampler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A child JVM of {@link JniPeerComparison} on panama-llama (llama.cpp v0.5.0): greedy generation
 * on the tiny-Mistral fixture through the Java API and through the plain C loop in this process,
 * with GenerationBenchmark's context settings and with the settings de.kherud's binding runs
 * with, one at a time. Prints one {@link GenerationSample} line per measured run.
 *
 * <p>Arguments: {@code --probe} (print the prompt's length and the CPU backend, then exit), or
 * {@code THREADS WARMUPS RUNS VARIANT,...} with variants from {@link #VARIANTS}.
 */
public final class PanamaGenerationRun {
    /** Variant keys and what they run. */
    static final Map<String, String> VARIANTS = new LinkedHashMap<>();

    static {
        VARIANTS.put("api", "Java API, flash attention auto (on for CPU), persistent threadpool");
        VARIANTS.put("api-fa-off", "Java API, flash attention off");
        VARIANTS.put("c", "C loop, same settings as api");
        VARIANTS.put("c-fa-off", "C loop, flash attention off");
        VARIANTS.put("c-fa-off-per-graph", "C loop, flash attention off, ggml's per-graph threads (no pool)");
    }

    private PanamaGenerationRun() {}

    public static void main(String[] args) throws Throwable {
        Path modelPath = BenchmarkModels.tinyMistral();
        try (LlamaModel model = LlamaModel.load(modelPath)) {
            int promptTokens = model.vocabulary().tokenize(GenerationSample.PROMPT, true, true).length;
            if (args.length == 1 && args[0].equals("--probe")) {
                System.out.println("PROMPT_TOKENS " + promptTokens);
                System.out.println("CPU_BACKEND " + LlamaRuntime.get().backendLibraries().stream()
                        .map(library -> library.getFileName().toString()).filter(name -> name.contains("cpu")).toList());
                return;
            }
            int threads = Integer.parseInt(args[0]);
            int warmups = Integer.parseInt(args[1]);
            int runs = Integer.parseInt(args[2]);
            List<String> variants = Arrays.asList(args[3].split(","));
            for (String variant : variants) {
                if (!VARIANTS.containsKey(variant)) {
                    throw new IllegalArgumentException("unknown variant " + variant + "; known: " + VARIANTS.keySet());
                }
            }
            CGenerationLoop c = CGenerationLoop.compile();
            int contextLength = promptTokens + GenerationSample.GENERATED;
            for (int i = 0; i < warmups; i++) {
                for (String variant : variants) {
                    run(variant, model, c, threads, promptTokens, contextLength);
                }
            }
            // Each run starts at another variant, so that none always follows the same one.
            for (int i = 0; i < runs; i++) {
                List<String> order = new ArrayList<>(variants);
                java.util.Collections.rotate(order, -i);
                for (String variant : order) {
                    System.out.println(run(variant, model, c, threads, promptTokens, contextLength).line());
                }
            }
        }
    }

    static GenerationSample run(String variant, LlamaModel model, CGenerationLoop c, int threads, int promptTokens,
            int contextLength) throws Throwable {
        int ubatch = Math.min(512, promptTokens);
        int polling = ContextOptions.DEFAULT_THREAD_POLLING;
        return switch (variant) {
            case "api" -> api(variant, model, threads, promptTokens, contextLength, FlashAttention.AUTO);
            case "api-fa-off" -> api(variant, model, threads, promptTokens, contextLength, FlashAttention.DISABLED);
            case "c" -> c.generate(variant, model, new CGenerationLoop.Settings(threads, polling, contextLength,
                    promptTokens, ubatch, FlashAttention.AUTO));
            case "c-fa-off" -> c.generate(variant, model, new CGenerationLoop.Settings(threads, polling, contextLength,
                    promptTokens, ubatch, FlashAttention.DISABLED));
            case "c-fa-off-per-graph" -> c.generate(variant, model, new CGenerationLoop.Settings(threads,
                    CGenerationLoop.NO_THREADPOOL, contextLength, promptTokens, ubatch, FlashAttention.DISABLED));
            default -> throw new IllegalArgumentException(variant);
        };
    }

    /** GenerationBenchmark's Java side, timed from the request to the first and the last streamed piece. */
    private static GenerationSample api(String variant, LlamaModel model, int threads, int promptTokens, int contextLength,
            FlashAttention flashAttention) {
        ContextOptions options = ContextOptions.builder().contextLength(contextLength).batchSize(promptTokens)
                .threads(threads).flashAttention(flashAttention).build();
        try (LlamaContext context = LlamaContext.create(model, options); Sampler greedy = Sampler.greedy(model)) {
            long[] times = new long[2];
            long start = System.nanoTime();
            Completion completion = context.complete(GenerationSample.PROMPT, GenerationOptions.builder()
                    .maxTokens(GenerationSample.GENERATED).sampler(greedy).parseSpecial(true).build(), piece -> {
                        long now = System.nanoTime();
                        if (times[0] == 0) {
                            times[0] = now;
                        }
                        times[1] = now;
                    });
            return GenerationSample.timed(variant, completion.timings().promptTokens(), completion.tokens().length,
                    start, times[0], times[1], completion.text());
        }
    }
}
