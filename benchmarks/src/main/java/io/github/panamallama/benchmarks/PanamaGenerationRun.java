package io.github.panamallama.benchmarks;

import io.github.panamallama.ContextOptions;
import io.github.panamallama.FlashAttention;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.LlamaRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A child JVM of {@link JniPeerComparison} on panama-llama (llama.cpp v0.5.0): greedy generation
 * on the tiny-Mistral fixture through the Java API and through the plain C loop in this process,
 * with the settings {@link InProcessComparison} compares them under ({@link LoopSettings#forPrompt})
 * and with the settings de.kherud's binding runs with, one at a time. Prints one
 * {@link GenerationSample} line per measured run.
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
            LoopSettings settings = LoopSettings.forPrompt(promptTokens, GenerationSample.GENERATED, threads,
                    ContextOptions.DEFAULT_THREAD_POLLING);
            for (int i = 0; i < warmups; i++) {
                for (String variant : variants) {
                    run(variant, model, c, settings);
                }
            }
            // Each run starts at another variant, so that none always follows the same one.
            for (int i = 0; i < runs; i++) {
                List<String> order = new ArrayList<>(variants);
                java.util.Collections.rotate(order, -i);
                for (String variant : order) {
                    System.out.println(run(variant, model, c, settings).line());
                }
            }
        }
    }

    /** One run of {@code variant}, which changes {@code settings} (the Java API's defaults) as its name says. */
    static GenerationSample run(String variant, LlamaModel model, CGenerationLoop c, LoopSettings settings) throws Throwable {
        LoopSettings faOff = settings.withFlashAttention(FlashAttention.DISABLED);
        GenerationTiming timing = switch (variant) {
            case "api" -> ApiGeneration.generate(model, settings);
            case "api-fa-off" -> ApiGeneration.generate(model, faOff);
            case "c" -> c.generate(model, settings);
            case "c-fa-off" -> c.generate(model, faOff);
            case "c-fa-off-per-graph" -> c.generate(model, faOff.withPolling(LoopSettings.NO_THREADPOOL));
            default -> throw new IllegalArgumentException(variant);
        };
        return timing.sample(variant);
    }
}
