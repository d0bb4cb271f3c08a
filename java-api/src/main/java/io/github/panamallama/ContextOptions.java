package io.github.panamallama;

import io.github.panamallama.internal.runtime.PhysicalCores;

/**
 * How to create a {@link LlamaContext}. Immutable; start from {@link #builder()}. Zero or
 * {@code MODEL_DEFAULT} means "take it from the model"; llama.cpp may adjust some values (read
 * the actual ones back from the context).
 *
 * @param contextLength tokens of memory (n_ctx); 0 = the model's training length
 * @param batchSize most tokens one {@link LlamaContext#decode(Batch)} call takes (n_batch)
 * @param ubatchSize physical batch size (n_ubatch), at most batchSize
 * @param sequences distinct sequences the memory holds (n_seq_max)
 * @param threads threads for generating single tokens; default one per physical core the process may use
 * @param batchThreads threads for prompt/batch processing
 * @param threadPolling how long (0-100, ggml's polling level) idle worker threads spin waiting
 *     for the next graph before they sleep; 0 = sleep at once. The workers belong to a threadpool
 *     the context keeps for its lifetime, as llama.cpp's own tools do
 * @param ropeFreqBase RoPE base frequency; 0 = model's
 * @param ropeFreqScale RoPE frequency scale; 0 = model's
 * @param ropeScaling RoPE scaling method
 * @param yarnExtFactor YaRN extrapolation mix factor; negative = model's
 * @param yarnAttnFactor YaRN magnitude scaling factor; negative = model's
 * @param yarnBetaFast YaRN low correction dim; negative = model's
 * @param yarnBetaSlow YaRN high correction dim; negative = model's
 * @param yarnOriginalContext YaRN original context size; 0 = model's
 * @param flashAttention whether to use Flash Attention
 * @param cacheTypeK element type of the K cache
 * @param cacheTypeV element type of the V cache
 * @param embeddings compute embeddings (as well as logits)
 * @param pooling how embeddings are pooled per sequence
 * @param attention attention type for embeddings
 * @param offloadKqv keep the KV cache and KQV ops on the GPU
 * @param measurePerformance collect llama.cpp's timing counters ({@link LlamaContext#performance()})
 * @param unifiedMemory one memory buffer shared by all sequences (llama.cpp's kv_unified). Off,
 *     each sequence has its own stream, and {@link ContextMemory#keepOnly(int)} affects only
 *     the stream of the sequence kept. On, as llama.cpp's server does for parallel slots, every
 *     sequence may use the whole context ({@link LlamaContext#sequenceContextLength()}) and
 *     together they share it; off, each gets {@code contextLength / sequences} (llama.cpp rounds
 *     that up to a multiple of 256)
 * @param fullSlidingWindowCache for models with sliding-window attention, keep the full
 *     context in the cache rather than the window (llama.cpp's swa_full, default on): costs
 *     memory, but only a full cache can cut a sequence back to a prefix, which a prompt cache
 *     ({@link ParallelGenerator}) needs. No effect on other models
 */
public record ContextOptions(
        int contextLength,
        int batchSize,
        int ubatchSize,
        int sequences,
        int threads,
        int batchThreads,
        int threadPolling,
        float ropeFreqBase,
        float ropeFreqScale,
        RopeScalingType ropeScaling,
        float yarnExtFactor,
        float yarnAttnFactor,
        float yarnBetaFast,
        float yarnBetaSlow,
        int yarnOriginalContext,
        FlashAttention flashAttention,
        CacheType cacheTypeK,
        CacheType cacheTypeV,
        boolean embeddings,
        PoolingType pooling,
        AttentionType attention,
        boolean offloadKqv,
        boolean measurePerformance,
        boolean unifiedMemory,
        boolean fullSlidingWindowCache) {

    /** llama.cpp's upper limit on sequences (LLAMA_MAX_SEQ). */
    public static final int MAX_SEQUENCES = 256;
    /**
     * The default of {@link #threads()} and {@link #batchThreads()}: one per physical core this
     * process may use (its CPU affinity and container quota respected), as llama.cpp's tools
     * choose; hardware threads sharing a core slow ggml's barrier-bound workers down.
     */
    public static int defaultThreads() {
        return PhysicalCores.count();
    }

    /** ggml's most aggressive polling level. */
    public static final int MAX_THREAD_POLLING = 100;
    /** ggml's default polling level (ggml_threadpool_params_init). */
    public static final int DEFAULT_THREAD_POLLING = 50;

    public ContextOptions {
        nonNegative("contextLength", contextLength);
        positive("batchSize", batchSize);
        positive("ubatchSize", ubatchSize);
        if (ubatchSize > batchSize) {
            throw new IllegalArgumentException("ubatchSize " + ubatchSize + " is larger than batchSize " + batchSize);
        }
        if (sequences < 1 || sequences > MAX_SEQUENCES) {
            throw new IllegalArgumentException("sequences must be 1.." + MAX_SEQUENCES + ": " + sequences);
        }
        // llama.cpp reserves one output row per sequence in a buffer of batchSize rows (capped
        // at the context length): more sequences fail an assertion that kills the process.
        if (sequences > batchSize) {
            throw new IllegalArgumentException(sequences + " sequences need batchSize >= " + sequences
                    + " (one output per sequence per batch): " + batchSize);
        }
        if (contextLength != 0 && sequences > contextLength) {
            throw new IllegalArgumentException(sequences + " sequences need contextLength >= " + sequences + ": "
                    + contextLength);
        }
        positive("threads", threads);
        positive("batchThreads", batchThreads);
        if (threadPolling < 0 || threadPolling > MAX_THREAD_POLLING) {
            throw new IllegalArgumentException("threadPolling must be 0.." + MAX_THREAD_POLLING + ": " + threadPolling);
        }
        finiteNonNegative("ropeFreqBase", ropeFreqBase);
        finiteNonNegative("ropeFreqScale", ropeFreqScale);
        nonNegative("yarnOriginalContext", yarnOriginalContext);
        for (Object value : new Object[] {ropeScaling, flashAttention, cacheTypeK, cacheTypeV, pooling, attention}) {
            if (value == null) {
                throw new IllegalArgumentException("an enum option is null");
            }
        }
    }

    public static ContextOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0: " + value);
        }
    }

    private static void nonNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0: " + value);
        }
    }

    private static void finiteNonNegative(String name, float value) {
        if (!(value >= 0) || Float.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0: " + value);
        }
    }

    public static final class Builder {
        private int contextLength = 0;
        private int batchSize = 2048;
        private Integer ubatchSize; // unset: min(512, batchSize)
        private int sequences = 1;
        private int threads = defaultThreads();
        private int batchThreads = threads;
        private int threadPolling = DEFAULT_THREAD_POLLING;
        private float ropeFreqBase;
        private float ropeFreqScale;
        private RopeScalingType ropeScaling = RopeScalingType.MODEL_DEFAULT;
        private float yarnExtFactor = -1;
        private float yarnAttnFactor = -1;
        private float yarnBetaFast = -1;
        private float yarnBetaSlow = -1;
        private int yarnOriginalContext;
        private FlashAttention flashAttention = FlashAttention.AUTO;
        private CacheType cacheTypeK = CacheType.F16;
        private CacheType cacheTypeV = CacheType.F16;
        private boolean embeddings;
        private PoolingType pooling = PoolingType.MODEL_DEFAULT;
        private AttentionType attention = AttentionType.MODEL_DEFAULT;
        private boolean offloadKqv = true;
        private boolean measurePerformance = true;
        private boolean unifiedMemory;
        private boolean fullSlidingWindowCache = true;

        private Builder() {}

        public Builder contextLength(int tokens) { this.contextLength = tokens; return this; }
        public Builder batchSize(int tokens) { this.batchSize = tokens; return this; }
        public Builder ubatchSize(int tokens) { this.ubatchSize = tokens; return this; }
        public Builder sequences(int count) { this.sequences = count; return this; }
        /** Sets both the generation and the batch thread count. */
        public Builder threads(int count) { this.threads = count; this.batchThreads = count; return this; }
        public Builder batchThreads(int count) { this.batchThreads = count; return this; }
        public Builder threadPolling(int level) { this.threadPolling = level; return this; }
        public Builder ropeFreqBase(float base) { this.ropeFreqBase = base; return this; }
        public Builder ropeFreqScale(float scale) { this.ropeFreqScale = scale; return this; }
        public Builder ropeScaling(RopeScalingType type) { this.ropeScaling = type; return this; }
        public Builder yarnExtFactor(float factor) { this.yarnExtFactor = factor; return this; }
        public Builder yarnAttnFactor(float factor) { this.yarnAttnFactor = factor; return this; }
        public Builder yarnBetaFast(float beta) { this.yarnBetaFast = beta; return this; }
        public Builder yarnBetaSlow(float beta) { this.yarnBetaSlow = beta; return this; }
        public Builder yarnOriginalContext(int tokens) { this.yarnOriginalContext = tokens; return this; }
        public Builder flashAttention(FlashAttention mode) { this.flashAttention = mode; return this; }
        public Builder cacheTypeK(CacheType type) { this.cacheTypeK = type; return this; }
        public Builder cacheTypeV(CacheType type) { this.cacheTypeV = type; return this; }
        public Builder embeddings(boolean enabled) { this.embeddings = enabled; return this; }
        public Builder pooling(PoolingType type) { this.pooling = type; return this; }
        public Builder attention(AttentionType type) { this.attention = type; return this; }
        public Builder offloadKqv(boolean enabled) { this.offloadKqv = enabled; return this; }
        public Builder measurePerformance(boolean enabled) { this.measurePerformance = enabled; return this; }
        public Builder unifiedMemory(boolean enabled) { this.unifiedMemory = enabled; return this; }
        public Builder fullSlidingWindowCache(boolean enabled) { this.fullSlidingWindowCache = enabled; return this; }

        public ContextOptions build() {
            return new ContextOptions(contextLength, batchSize, ubatchSize != null ? ubatchSize : Math.min(512, batchSize), sequences,
                    threads, batchThreads, threadPolling, ropeFreqBase, ropeFreqScale, ropeScaling, yarnExtFactor,
                    yarnAttnFactor, yarnBetaFast, yarnBetaSlow, yarnOriginalContext, flashAttention,
                    cacheTypeK, cacheTypeV, embeddings, pooling, attention, offloadKqv, measurePerformance,
                    unifiedMemory, fullSlidingWindowCache);
        }
    }
}
