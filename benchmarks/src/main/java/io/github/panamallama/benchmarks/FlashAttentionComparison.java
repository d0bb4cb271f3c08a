package io.github.panamallama.benchmarks;

import static io.github.panamallama.benchmarks.RoundStatistics.median;
import static io.github.panamallama.benchmarks.RoundStatistics.ratios;
import static io.github.panamallama.benchmarks.RoundStatistics.spread;

import io.github.panamallama.ContextOptions;
import io.github.panamallama.FlashAttention;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.internal.runtime.NativeLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the flash-attention default costs or saves: the API's default ({@link FlashAttention#AUTO},
 * as llama.cpp's, which the CPU backend resolves to on) against flash attention off, on one loaded
 * model in one process, the two taking turns (the order alternating per round).
 *
 * <ul>
 *   <li>Prompt processing and greedy generation speed through the API ({@link ApiGeneration}),
 *       each setting's median and the on/off ratio's spread over the rounds;
 *   <li>llama.cpp's compute buffers (its "compute buffer size" report at context creation) at the
 *       comparison's context and at the long context: without flash attention the attention
 *       scores of a whole batch against the whole context are materialized, so they grow with the
 *       context.
 * </ul>
 *
 * <p>Arguments: {@code MODEL.gguf [ROUNDS [PROMPT_TOKENS [GENERATED [LONG_CONTEXT]]]]} (default
 * 5 rounds, pp512, tg128, 32768). Property {@code bench.threads} (default 2).
 */
public final class FlashAttentionComparison {
    private static final int THREADS = Integer.getInteger("bench.threads", 2);
    private static final Pattern COMPUTE_BUFFER = Pattern.compile("compute buffer size =\\s+([0-9.]+) MiB");
    private static final List<FlashAttention> MODES = List.of(FlashAttention.AUTO, FlashAttention.DISABLED);

    private FlashAttentionComparison() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 5) {
            throw new IllegalArgumentException("arguments: MODEL.gguf [ROUNDS [PROMPT_TOKENS [GENERATED [LONG_CONTEXT]]]]; got "
                    + List.of(args));
        }
        Path modelFile = Path.of(args[0]);
        if (!Files.isRegularFile(modelFile)) {
            throw new IllegalArgumentException("no model file at " + modelFile);
        }
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int promptTokens = args.length > 2 ? Integer.parseInt(args[2]) : 512;
        int generated = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        int longContext = args.length > 4 ? Integer.parseInt(args[4]) : 32768;
        System.out.println("model " + modelFile.getFileName() + ", " + THREADS + " threads, " + rounds + " rounds, pp"
                + promptTokens + " tg" + generated);
        System.out.println(MachineDescription.current().describe());
        System.out.println("load average at start: " + MachineDescription.loadAverage());

        Map<FlashAttention, List<GenerationTiming>> timings = new EnumMap<>(FlashAttention.class);
        Map<FlashAttention, Double> shortBuffers = new EnumMap<>(FlashAttention.class);
        Map<FlashAttention, Double> longBuffers = new EnumMap<>(FlashAttention.class);
        try (LlamaModel model = LlamaModel.load(modelFile)) {
            String prompt = PromptOfLength.of(model.vocabulary(), promptTokens);
            LoopSettings base = LoopSettings.forPrompt(promptTokens, generated, THREADS, ContextOptions.DEFAULT_THREAD_POLLING);
            for (FlashAttention mode : MODES) {
                LoopSettings settings = base.withFlashAttention(mode);
                shortBuffers.put(mode, computeBufferMiB(model, settings.contextOptions()));
                longBuffers.put(mode, computeBufferMiB(model, ContextOptions.builder().contextLength(longContext)
                        .threads(THREADS).flashAttention(mode).build()));
                // Warm-up: pages and repacked weights in place, classes loaded.
                ApiGeneration.generate(model, LoopSettings.forPrompt(promptTokens, 4, THREADS,
                        ContextOptions.DEFAULT_THREAD_POLLING).withFlashAttention(mode), prompt);
                timings.put(mode, new ArrayList<>());
            }
            System.out.println("round | flash attention auto: pp, tg | off: pp, tg (tok/s)");
            for (int round = 0; round < rounds; round++) {
                List<FlashAttention> order = round % 2 == 0 ? MODES : MODES.reversed();
                for (FlashAttention mode : order) {
                    timings.get(mode).add(ApiGeneration.generate(model, base.withFlashAttention(mode), prompt));
                }
                GenerationTiming on = timings.get(FlashAttention.AUTO).getLast();
                GenerationTiming off = timings.get(FlashAttention.DISABLED).getLast();
                System.out.printf(Locale.ROOT, "%5d | %8.2f %8.2f | %8.2f %8.2f%n", round, on.promptTokensPerSecond(),
                        on.tokensPerSecond(), off.promptTokensPerSecond(), off.tokensPerSecond());
            }
        }
        List<GenerationTiming> on = timings.get(FlashAttention.AUTO);
        List<GenerationTiming> off = timings.get(FlashAttention.DISABLED);
        List<Double> onPrompt = on.stream().map(GenerationTiming::promptTokensPerSecond).toList();
        List<Double> offPrompt = off.stream().map(GenerationTiming::promptTokensPerSecond).toList();
        List<Double> onGeneration = on.stream().map(GenerationTiming::tokensPerSecond).toList();
        List<Double> offGeneration = off.stream().map(GenerationTiming::tokensPerSecond).toList();
        LargeModelFigures.FigureTable table = new LargeModelFigures.FigureTable();
        table.row("pp" + promptTokens + ", flash attention auto / off", String.format(Locale.ROOT,
                "%.2f / %.2f tok/s, auto/off %s", median(onPrompt), median(offPrompt),
                spread(ratios(onPrompt, offPrompt), "%.3f")));
        table.row("tg" + generated + ", flash attention auto / off", String.format(Locale.ROOT,
                "%.2f / %.2f tok/s, auto/off %s", median(onGeneration), median(offGeneration),
                spread(ratios(onGeneration, offGeneration), "%.3f")));
        table.row("compute buffers at " + (promptTokens + generated) + " tokens, auto / off", String.format(Locale.ROOT,
                "%.1f / %.1f MiB", shortBuffers.get(FlashAttention.AUTO), shortBuffers.get(FlashAttention.DISABLED)));
        table.row("compute buffers at " + longContext + " tokens, auto / off", String.format(Locale.ROOT,
                "%.1f / %.1f MiB", longBuffers.get(FlashAttention.AUTO), longBuffers.get(FlashAttention.DISABLED)));
        System.out.println();
        System.out.println(table.format());
        System.out.println("speeds are the API's own timings, medians over " + rounds + " rounds; compute buffers are "
                + "llama.cpp's report at context creation, summed over backends");
        System.out.println("load average at end: " + MachineDescription.loadAverage());
    }

    /** llama.cpp's compute buffers for a context with {@code options}, from its log at creation. */
    private static double computeBufferMiB(LlamaModel model, ContextOptions options) {
        double[] total = {0};
        // llama.cpp reports the buffers only in its log, on this thread, while creating the context.
        try (NativeLog.Observation log = NativeLog.observe(message -> {
            Matcher size = COMPUTE_BUFFER.matcher(message);
            if (size.find()) {
                total[0] += Double.parseDouble(size.group(1));
            }
        }); LlamaContext context = LlamaContext.create(model, options)) {
            return total[0];
        }
    }
}
