package io.github.panamallama.benchmarks;

import io.github.panamallama.CacheType;
import io.github.panamallama.Completion;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.FlashAttention;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.ModelOptions;
import io.github.panamallama.Sampler;
import io.github.panamallama.internal.runtime.NativeLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one model and context cost in a fresh JVM, so that resident memory is this setting's
 * alone: model load time, context creation time, resident memory right after the context
 * exists (the KV cache is zeroed at creation, so it is resident), llama.cpp's own report of the
 * KV cache's size, and greedy generation speed on that context. A child of
 * {@link LargeModelFigures}; prints one {@link #line()}.
 *
 * <p>Arguments: {@code MODEL.gguf CONTEXT REPACKING(true|false) KV(f16|q8_0) THREADS GENERATE}.
 * Flash attention is on: llama.cpp needs it for a quantized V cache, and both KV types are
 * compared under it (AUTO picks it on CPU anyway).
 *
 * @param contextLength context length in tokens
 * @param repacking {@link ModelOptions#weightRepacking()}
 * @param kvType K and V cache type
 * @param loadMillis {@link LlamaModel#load} in this JVM (the file's pages may be cached)
 * @param contextMillis {@link LlamaContext#create}
 * @param rssKiB VmRSS after the context was created
 * @param anonKiB RssAnon: what the process allocated (repacked weights, KV cache, buffers, heap)
 * @param fileKiB RssFile: mapped file pages (the model file) resident in this process
 * @param kvMiB llama.cpp's "llama_kv_cache: size = ..." figure, or -1 if it was not logged
 * @param tokensPerSecond greedy generation after a short prompt, the API's own timing
 */
record ContextFootprint(int contextLength, boolean repacking, CacheType kvType, double loadMillis, double contextMillis,
        long rssKiB, long anonKiB, long fileKiB, double kvMiB, double tokensPerSecond) {
    private static final String PREFIX = "FOOTPRINT|";
    private static final Pattern KV_SIZE = Pattern.compile("llama_kv_cache: size =\\s+([0-9.]+) MiB");
    private static final String PROMPT = "The quick brown fox jumps over the lazy dog. It was a bright cold day.";

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            throw new IllegalArgumentException("arguments: MODEL.gguf CONTEXT REPACKING KV THREADS GENERATE; got " + List.of(args));
        }
        Path model = Path.of(args[0]);
        int contextLength = Integer.parseInt(args[1]);
        boolean repacking = Boolean.parseBoolean(args[2]);
        CacheType kvType = CacheType.valueOf(args[3].toUpperCase(Locale.ROOT));
        int threads = Integer.parseInt(args[4]);
        int generate = Integer.parseInt(args[5]);
        System.out.println(measure(model, contextLength, repacking, kvType, threads, generate).line());
    }

    static ContextFootprint measure(Path modelFile, int contextLength, boolean repacking, CacheType kvType, int threads,
            int generate) throws IOException {
        long start = System.nanoTime();
        try (LlamaModel model = LlamaModel.load(modelFile, ModelOptions.builder().weightRepacking(repacking).build())) {
            double loadMillis = (System.nanoTime() - start) / 1e6;
            ContextOptions options = ContextOptions.builder().contextLength(contextLength).threads(threads)
                    .flashAttention(FlashAttention.ENABLED).cacheTypeK(kvType).cacheTypeV(kvType).build();
            double[] kvMiB = {-1};
            start = System.nanoTime();
            LlamaContext context;
            // llama.cpp reports the cache's size only in its log, on this thread, while creating it.
            try (NativeLog.Observation log = NativeLog.observe(message -> {
                Matcher size = KV_SIZE.matcher(message);
                if (size.find()) {
                    kvMiB[0] = Double.parseDouble(size.group(1));
                }
            })) {
                context = LlamaContext.create(model, options);
            }
            try (context; Sampler greedy = Sampler.greedy(model)) {
                double contextMillis = (System.nanoTime() - start) / 1e6;
                long rss = statusKiB("VmRSS");
                long anon = statusKiB("RssAnon");
                long file = statusKiB("RssFile");
                Completion completion = context.complete(PROMPT, GenerationOptions.builder().maxTokens(generate)
                        .sampler(greedy).build());
                return new ContextFootprint(contextLength, repacking, kvType, loadMillis, contextMillis, rss, anon, file,
                        kvMiB[0], completion.timings().tokensPerSecond());
            }
        }
    }

    /** A "Name:   1234 kB" field of /proc/self/status, in KiB. */
    static long statusKiB(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).strip().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/self/status");
    }

    String line() {
        return String.format(Locale.ROOT, "%s%d|%b|%s|%.1f|%.1f|%d|%d|%d|%.2f|%.3f", PREFIX, contextLength, repacking,
                kvType, loadMillis, contextMillis, rssKiB, anonKiB, fileKiB, kvMiB, tokensPerSecond);
    }

    static boolean isLine(String line) {
        return line.startsWith(PREFIX);
    }

    static ContextFootprint parse(String line) {
        String[] f = line.substring(PREFIX.length()).split("\\|");
        if (f.length != 10) {
            throw new IllegalArgumentException("not a footprint line: " + line);
        }
        return new ContextFootprint(Integer.parseInt(f[0]), Boolean.parseBoolean(f[1]), CacheType.valueOf(f[2]),
                Double.parseDouble(f[3]), Double.parseDouble(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]),
                Long.parseLong(f[7]), Double.parseDouble(f[8]), Double.parseDouble(f[9]));
    }
}
