package io.github.panamallama;

import static io.github.panamallama.internal.llama.llama_h.*;

import io.github.panamallama.internal.lifecycle.Cleaners;
import io.github.panamallama.internal.lifecycle.Lifetime;
import io.github.panamallama.internal.lifecycle.ThreadGuard;
import io.github.panamallama.internal.llama.ggml_abort_callback;
import io.github.panamallama.internal.llama.llama_context_params;
import io.github.panamallama.internal.llama.llama_perf_context_data;
import io.github.panamallama.internal.runtime.ContextThreadpools;
import io.github.panamallama.internal.runtime.NativeLog;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The working state for running a model: its memory (KV cache), logits and embeddings of the
 * last decode, and generation.
 *
 * <p><b>Threads:</b> a context is single-threaded. A call from a second thread while one is
 * running throws {@link IllegalStateException} (it never corrupts native state). The one
 * exception is {@link #abort()}, callable from any thread at any time.
 *
 * <p><b>Lifetime:</b> a context keeps its model alive: the model's native memory is freed only
 * after its last context is closed, even if {@link LlamaModel#close()} was called first.
 */
public final class LlamaContext implements AutoCloseable {
    /** Largest state copied into a Java array. */
    private static final long MAX_STATE_BYTES = Integer.MAX_VALUE - 16;

    private final LlamaModel model;
    private final Lifetime lifetime;
    private final ThreadGuard guard = new ThreadGuard("LlamaContext");
    private final MemorySegment handle;
    private final ContextThreadpools threadpools;
    private final AbortFlag abortFlag;
    private final ContextMemory memory;
    private final Cleaner.Cleanable cleanable;
    private final int contextLength;
    private final int batchSize;
    private final int ubatchSize;
    private final int sequences;
    private final int vocabularySize;
    private final int embeddingLength;
    private final boolean embeddings;
    /** Which indices of the last decoded batch have outputs; reused between decodes. */
    private final boolean[] lastOutputs;
    private int lastBatchSize;
    /** The generation that owns this context while open (guarded by {@link #guard}). */
    private CompletionStream activeStream;

    private LlamaContext(LlamaModel model, Lifetime lifetime, MemorySegment handle, ContextThreadpools threadpools,
            AbortFlag abortFlag, ContextOptions options) {
        this.model = model;
        this.lifetime = lifetime;
        this.handle = handle;
        this.threadpools = threadpools;
        this.abortFlag = abortFlag;
        this.contextLength = llama_n_ctx(handle);
        this.batchSize = llama_n_batch(handle);
        this.ubatchSize = llama_n_ubatch(handle);
        this.sequences = llama_n_seq_max(handle);
        this.vocabularySize = model.vocabulary().size();
        this.embeddingLength = llama_model_n_embd_out(model.handle());
        this.embeddings = options.embeddings();
        this.memory = new ContextMemory(this, llama_get_memory(handle));
        this.lastOutputs = new boolean[batchSize];
        this.cleanable = Cleaners.register(this, lifetime);
    }

    /**
     * Creates a context on a model.
     *
     * @throws IllegalStateException if the model is closed or was loaded vocabulary-only
     * @throws LlamaException if llama.cpp refuses the options (with its reason)
     */
    public static LlamaContext create(LlamaModel model, ContextOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        LlamaRuntime.get();
        if (model.isVocabOnly()) {
            throw new IllegalStateException("model " + model.path().getFileName()
                    + " was loaded vocabulary-only: it has no weights to run");
        }
        model.lifetime().acquire();
        Lifetime lifetime = new Lifetime("LlamaContext", List.of(model.lifetime()));
        try {
            AbortFlag abortFlag = new AbortFlag();
            abortFlag.callback = ggml_abort_callback.allocate(abortFlag::test, lifetime.arena());
            MemorySegment handle;
            try (Arena call = Arena.ofConfined(); NativeLog.ErrorCapture errors = NativeLog.captureErrors()) {
                MemorySegment params = llama_context_default_params(call);
                applyOptions(params, options);
                handle = llama_init_from_model(model.handle(), params);
                if (handle.equals(MemorySegment.NULL)) {
                    String reason = errors.text();
                    throw new LlamaException("Cannot create a context on " + model.path().getFileName() + ": "
                            + (reason.isEmpty() ? "llama.cpp refused the options " + options : reason));
                }
            }
            ContextThreadpools threadpools;
            try {
                threadpools = ContextThreadpools.create(options.threads(), options.batchThreads(), options.threadPolling());
            } catch (RuntimeException | Error e) {
                llama_free(handle);
                throw e;
            }
            threadpools.attachTo(handle);
            // The pools outlive the context: llama_free first, then the threads it computed on.
            MemorySegment owned = handle.reinterpret(lifetime.arena(), c -> {
                llama_free(c);
                threadpools.free();
            });
            return new LlamaContext(model, lifetime, owned, threadpools, abortFlag, options);
        } catch (RuntimeException | Error e) {
            lifetime.close();
            throw e;
        }
    }

    private static void applyOptions(MemorySegment p, ContextOptions o) {
        llama_context_params.n_ctx(p, o.contextLength());
        llama_context_params.n_batch(p, o.batchSize());
        llama_context_params.n_ubatch(p, o.ubatchSize());
        llama_context_params.n_seq_max(p, o.sequences());
        llama_context_params.n_threads(p, o.threads());
        llama_context_params.n_threads_batch(p, o.batchThreads());
        llama_context_params.rope_freq_base(p, o.ropeFreqBase());
        llama_context_params.rope_freq_scale(p, o.ropeFreqScale());
        llama_context_params.rope_scaling_type(p, o.ropeScaling().nativeValue);
        llama_context_params.yarn_ext_factor(p, o.yarnExtFactor());
        llama_context_params.yarn_attn_factor(p, o.yarnAttnFactor());
        llama_context_params.yarn_beta_fast(p, o.yarnBetaFast());
        llama_context_params.yarn_beta_slow(p, o.yarnBetaSlow());
        llama_context_params.yarn_orig_ctx(p, o.yarnOriginalContext());
        llama_context_params.flash_attn_type(p, o.flashAttention().nativeValue);
        llama_context_params.type_k(p, o.cacheTypeK().nativeValue);
        llama_context_params.type_v(p, o.cacheTypeV().nativeValue);
        llama_context_params.embeddings(p, o.embeddings());
        llama_context_params.pooling_type(p, o.pooling().nativeValue);
        llama_context_params.attention_type(p, o.attention().nativeValue);
        llama_context_params.offload_kqv(p, o.offloadKqv());
        llama_context_params.no_perf(p, !o.measurePerformance());
        llama_context_params.kv_unified(p, o.unifiedMemory());
    }

    /**
     * The abort request, read by llama.cpp's compute loop; never references the context.
     *
     * <p>llama.cpp calls an abort callback after every node of every graph it computes. As an
     * upcall into Java that costs about 10% of generation speed on small models (measured with
     * scripts/benchmark.sh), so the callback is handed to llama.cpp only once an abort is
     * requested, and taken back when the decode it was meant for has returned. Its fields are
     * guarded by the flag's monitor, which also orders that native call against close().
     */
    private static final class AbortFlag {
        private final AtomicBoolean requested = new AtomicBoolean();
        MemorySegment callback;
        boolean installed;

        boolean test(MemorySegment ignored) {
            return requested.get();
        }

        void request() {
            requested.set(true);
        }

        /** Consumes a pending request: true if there was one. */
        boolean consume() {
            return requested.getAndSet(false);
        }
    }

    public LlamaModel model() {
        return model;
    }

    /** Tokens the memory holds (n_ctx as llama.cpp set it). */
    public int contextLength() {
        return contextLength;
    }

    /** Most tokens one decode takes. */
    public int batchSize() {
        return batchSize;
    }

    public int ubatchSize() {
        return ubatchSize;
    }

    /** Distinct sequences the memory holds; sequence ids are {@code 0..sequences()-1}. */
    public int sequences() {
        return sequences;
    }

    public int threads() {
        enter();
        try {
            return llama_n_threads(handle);
        } finally {
            exit();
        }
    }

    public int batchThreads() {
        enter();
        try {
            return llama_n_threads_batch(handle);
        } finally {
            exit();
        }
    }

    public void setThreads(int threads, int batchThreads) {
        if (threads < 1 || batchThreads < 1) {
            throw new IllegalArgumentException("thread counts must be > 0: " + threads + ", " + batchThreads);
        }
        enter();
        try {
            threadpools.resize(handle, threads, batchThreads);
            llama_set_n_threads(handle, threads, batchThreads);
        } finally {
            exit();
        }
    }

    public PoolingType pooling() {
        enter();
        try {
            return PoolingType.of(llama_pooling_type(handle));
        } finally {
            exit();
        }
    }

    /** The memory (KV cache) of this context. */
    public ContextMemory memory() {
        lifetime.checkOpen();
        return memory;
    }

    /**
     * Runs the model on a batch, adding its tokens to the memory.
     *
     * @throws IllegalArgumentException if the batch is empty, larger than {@link #batchSize()}
     *     or names a sequence id {@code >= sequences()}
     * @throws ContextFullException if the memory has no room for the batch
     * @throws DecodeAbortedException if {@link #abort()} was called
     * @throws DecodeException for any other llama.cpp failure (invalid batch, fatal error)
     */
    public void decode(Batch batch) {
        Objects.requireNonNull(batch, "batch");
        enter();
        try {
            decodeUnguarded(batch);
        } finally {
            exit();
        }
    }

    /** Decode for callers already inside the guard (generation). */
    void decodeUnguarded(Batch batch) {
        int size = batch.size();
        if (size == 0) {
            throw new IllegalArgumentException("batch is empty");
        }
        if (size > batchSize) {
            throw new IllegalArgumentException("batch has " + size + " tokens, more than the context's batch size "
                    + batchSize);
        }
        if (batch.highestSequenceId() >= sequences) {
            throw new IllegalArgumentException("batch uses sequence id " + batch.highestSequenceId()
                    + " but the context holds sequences 0.." + (sequences - 1));
        }
        lastBatchSize = 0;
        int code;
        try {
            if (abortFlag.consume()) {
                // Requested while no decode ran: this decode is the one it stops.
                throw new DecodeAbortedException();
            }
            code = llama_decode(handle, batch.struct());
        } finally {
            uninstallAbortCallback();
        }
        if (code == 2) {
            abortFlag.consume();
        }
        checkDecode(code, size);
        for (int i = 0; i < size; i++) {
            lastOutputs[i] = batch.computesLogits(i);
        }
        lastBatchSize = size;
    }

    /** The one place llama_decode's status becomes an exception. */
    private void checkDecode(int code, int batchTokens) {
        switch (code) {
            case 0 -> {}
            case 1 -> throw new ContextFullException(batchTokens, contextLength);
            case 2 -> throw new DecodeAbortedException();
            case -1 -> throw new DecodeException(code, "llama.cpp rejected the batch as invalid"
                    + " (token id out of range, positions not consecutive, or a sequence id out of range)");
            default -> {
                if (code < -1) {
                    throw new DecodeException(code, "decoding failed fatally");
                }
                throw new DecodeException(code, "decoding returned an unknown warning");
            }
        }
    }

    /**
     * Logits of one token of the last decoded batch (one float per vocabulary entry), copied.
     *
     * @param batchIndex the token's index in that batch; it must have been added with logits
     */
    public float[] logits(int batchIndex) {
        enter();
        try {
            checkOutput(batchIndex);
            MemorySegment row = llama_get_logits_ith(handle, batchIndex);
            if (row.equals(MemorySegment.NULL)) {
                throw new IllegalArgumentException("no logits for batch index " + batchIndex);
            }
            return row.reinterpret((long) vocabularySize * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
        } finally {
            exit();
        }
    }

    /** Logits of the last token of the last decoded batch that had logits. */
    public float[] lastLogits() {
        return logits(lastOutputIndex());
    }

    /** Index of the last output in the last decoded batch. */
    int lastOutputIndex() {
        for (int i = lastBatchSize - 1; i >= 0; i--) {
            if (lastOutputs[i]) {
                return i;
            }
        }
        throw new IllegalStateException("the last decoded batch computed no logits");
    }

    /**
     * The embedding of one token of the last decoded batch (needs
     * {@link ContextOptions#embeddings()} and pooling NONE or a generative model).
     */
    public float[] embeddings(int batchIndex) {
        enter();
        try {
            requireEmbeddings();
            checkOutput(batchIndex);
            MemorySegment row = llama_get_embeddings_ith(handle, batchIndex);
            if (row.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("no per-token embeddings for batch index " + batchIndex
                        + " (pooled contexts give sequenceEmbeddings instead)");
            }
            return row.reinterpret((long) embeddingLength * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
        } finally {
            exit();
        }
    }

    /** The pooled embedding of a sequence (needs embeddings on and a pooling other than NONE). */
    public float[] sequenceEmbeddings(int sequenceId) {
        enter();
        try {
            requireEmbeddings();
            checkSequence(sequenceId);
            return sequenceEmbeddingsUnguarded(sequenceId);
        } finally {
            exit();
        }
    }

    float[] sequenceEmbeddingsUnguarded(int sequenceId) {
        MemorySegment row = llama_get_embeddings_seq(handle, sequenceId);
        if (row.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("no pooled embedding for sequence " + sequenceId
                    + " (pooling is NONE, or the sequence was not decoded)");
        }
        int length = llama_pooling_type(handle) == LLAMA_POOLING_TYPE_RANK()
                ? llama_model_n_cls_out(model.handle()) : embeddingLength;
        return row.reinterpret((long) length * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
    }

    private void requireEmbeddings() {
        if (!embeddings) {
            throw new IllegalStateException("this context was created without ContextOptions.embeddings(true)");
        }
    }

    private void checkOutput(int batchIndex) {
        if (batchIndex < 0 || batchIndex >= lastBatchSize) {
            throw new IllegalArgumentException("batch index " + batchIndex + " is outside the last decoded batch (0.."
                    + (lastBatchSize - 1) + ")");
        }
        if (!lastOutputs[batchIndex]) {
            throw new IllegalArgumentException("batch index " + batchIndex + " was added without logits/output");
        }
    }

    /** For samplers: {@code batchIndex} must be an output of the last decode. */
    void checkOutputIndex(int batchIndex) {
        checkOutput(batchIndex);
    }

    void checkSequence(int sequenceId) {
        if (sequenceId < 0 || sequenceId >= sequences) {
            throw new IllegalArgumentException("sequence id " + sequenceId + " is outside 0.." + (sequences - 1));
        }
    }

    // ---- state ----

    /** The whole state (memory, logits, embeddings) as bytes, for {@link #restoreState(byte[])}. */
    public byte[] saveState() {
        enter();
        try (Arena call = Arena.ofConfined()) {
            long size = llama_state_get_size(handle);
            checkStateSize(size);
            MemorySegment buffer = call.allocate(Math.max(1, size));
            long written = llama_state_get_data(handle, buffer, size);
            return buffer.asSlice(0, written).toArray(ValueLayout.JAVA_BYTE);
        } finally {
            exit();
        }
    }

    /**
     * Restores a state from {@link #saveState()} (of a context on the same model).
     *
     * @throws IllegalArgumentException if llama.cpp cannot read it
     */
    public void restoreState(byte[] state) {
        Objects.requireNonNull(state, "state");
        enter();
        try (Arena call = Arena.ofConfined(); NativeLog.ErrorCapture errors = NativeLog.captureErrors()) {
            MemorySegment buffer = copyIn(call, state);
            long read = llama_state_set_data(handle, buffer, state.length);
            if (read == 0) {
                throw new IllegalArgumentException("not a state of this context (" + state.length + " bytes): "
                        + errors.text());
            }
        } finally {
            exit();
        }
    }

    /** Writes the whole state and the given tokens (usually the prompt so far) to a file. */
    public void saveState(Path file, int[] tokens) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(tokens, "tokens");
        enter();
        try (Arena call = Arena.ofConfined(); NativeLog.ErrorCapture errors = NativeLog.captureErrors()) {
            checkTokens(tokens);
            if (!llama_state_save_file(handle, call.allocateFrom(file.toString()), copyIn(call, tokens), tokens.length)) {
                throw new LlamaException("Cannot save state to " + file + ": " + errors.text());
            }
        } finally {
            exit();
        }
    }

    /**
     * Restores the state from a file written by {@link #saveState(Path, int[])}.
     *
     * @return the tokens saved with it
     */
    public int[] loadState(Path file) {
        Objects.requireNonNull(file, "file");
        requireReadable(file);
        enter();
        try (Arena call = Arena.ofConfined(); NativeLog.ErrorCapture errors = NativeLog.captureErrors()) {
            MemorySegment tokens = call.allocate(ValueLayout.JAVA_INT, contextLength);
            MemorySegment count = call.allocate(ValueLayout.JAVA_LONG);
            if (!llama_state_load_file(handle, call.allocateFrom(file.toString()), tokens, contextLength, count)) {
                throw new LlamaException("Cannot load state from " + file + ": " + errors.text());
            }
            return readTokens(tokens, count);
        } finally {
            exit();
        }
    }

    /** The state of one sequence as bytes. */
    public byte[] saveSequenceState(int sequenceId) {
        enter();
        try (Arena call = Arena.ofConfined()) {
            checkSequence(sequenceId);
            long size = llama_state_seq_get_size(handle, sequenceId);
            checkStateSize(size);
            MemorySegment buffer = call.allocate(Math.max(1, size));
            long written = llama_state_seq_get_data(handle, buffer, size, sequenceId);
            return buffer.asSlice(0, written).toArray(ValueLayout.JAVA_BYTE);
        } finally {
            exit();
        }
    }

    /** Loads a sequence state from {@link #saveSequenceState(int)} into {@code sequenceId}. */
    public void restoreSequenceState(int sequenceId, byte[] state) {
        Objects.requireNonNull(state, "state");
        enter();
        try (Arena call = Arena.ofConfined(); NativeLog.ErrorCapture errors = NativeLog.captureErrors()) {
            checkSequence(sequenceId);
            if (llama_state_seq_set_data(handle, copyIn(call, state), state.length, sequenceId) == 0) {
                throw new IllegalArgumentException("not a sequence state of this context (" + state.length
                        + " bytes): " + errors.text());
            }
        } finally {
            exit();
        }
    }

    /** Writes one sequence's state and tokens to a file. */
    public void saveSequenceState(Path file, int sequenceId, int[] tokens) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(tokens, "tokens");
        enter();
        try (Arena call = Arena.ofConfined(); NativeLog.ErrorCapture errors = NativeLog.captureErrors()) {
            checkSequence(sequenceId);
            checkTokens(tokens);
            if (llama_state_seq_save_file(handle, call.allocateFrom(file.toString()), sequenceId,
                    copyIn(call, tokens), tokens.length) == 0) {
                throw new LlamaException("Cannot save sequence " + sequenceId + " to " + file + ": " + errors.text());
            }
        } finally {
            exit();
        }
    }

    /** Loads a sequence state file into {@code sequenceId}; returns its tokens. */
    public int[] loadSequenceState(Path file, int sequenceId) {
        Objects.requireNonNull(file, "file");
        requireReadable(file);
        enter();
        try (Arena call = Arena.ofConfined(); NativeLog.ErrorCapture errors = NativeLog.captureErrors()) {
            checkSequence(sequenceId);
            MemorySegment tokens = call.allocate(ValueLayout.JAVA_INT, contextLength);
            MemorySegment count = call.allocate(ValueLayout.JAVA_LONG);
            if (llama_state_seq_load_file(handle, call.allocateFrom(file.toString()), sequenceId, tokens,
                    contextLength, count) == 0) {
                throw new LlamaException("Cannot load sequence " + sequenceId + " from " + file + ": " + errors.text());
            }
            return readTokens(tokens, count);
        } finally {
            exit();
        }
    }

    private static void requireReadable(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("no readable state file at " + file);
        }
    }

    private int[] readTokens(MemorySegment tokens, MemorySegment count) {
        long n = count.get(ValueLayout.JAVA_LONG, 0);
        if (n < 0 || n > contextLength) {
            throw new LlamaException("state file holds " + n + " tokens, more than the context length " + contextLength);
        }
        return tokens.asSlice(0, n * Integer.BYTES).toArray(ValueLayout.JAVA_INT);
    }

    private void checkTokens(int[] tokens) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocabularySize) {
                throw new IllegalArgumentException("tokens[" + i + "] = " + tokens[i] + " is not a token id (0.."
                        + (vocabularySize - 1) + ")");
            }
        }
    }

    private static void checkStateSize(long size) {
        if (size > MAX_STATE_BYTES) {
            throw new IllegalStateException("state of " + size + " bytes does not fit a Java array; save it to a file");
        }
    }

    private static MemorySegment copyIn(Arena arena, byte[] bytes) {
        MemorySegment segment = arena.allocate(Math.max(1, bytes.length));
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return segment;
    }

    private static MemorySegment copyIn(Arena arena, int[] values) {
        MemorySegment segment = arena.allocate(ValueLayout.JAVA_INT, Math.max(1, values.length));
        MemorySegment.copy(values, 0, segment, ValueLayout.JAVA_INT, 0, values.length);
        return segment;
    }

    // ---- abort, performance ----

    /**
     * Asks the running (or, if none is running, the next) decode or generation to stop. The
     * decode then throws {@link DecodeAbortedException}; a generation ends with
     * {@link StopReason#CANCELLED}. Callable from any thread, also while another thread is
     * inside this context.
     */
    public void abort() {
        abortFlag.request();
        synchronized (abortFlag) {
            if (!abortFlag.installed && !lifetime.isClosed()) {
                // Takes effect at the next graph llama.cpp computes: the next micro-batch of a
                // running decode; a generation also checks the flag between tokens.
                llama_set_abort_callback(handle, abortFlag.callback, MemorySegment.NULL);
                abortFlag.installed = true;
            }
        }
    }

    /** Takes the abort callback back from llama.cpp once the decode has returned. */
    private void uninstallAbortCallback() {
        synchronized (abortFlag) {
            if (abortFlag.installed) {
                llama_set_abort_callback(handle, MemorySegment.NULL, MemorySegment.NULL);
                abortFlag.installed = false;
            }
        }
    }

    /** Consumes a pending abort request (generation checks it between tokens). */
    boolean consumeAbort() {
        return abortFlag.consume();
    }

    /** llama.cpp's timing counters. */
    public PerformanceStats performance() {
        enter();
        try (Arena call = Arena.ofConfined()) {
            llama_synchronize(handle); // counters are updated when pending work is collected
            MemorySegment data = llama_perf_context(call, handle);
            double promptMillis = llama_perf_context_data.t_p_eval_ms(data);
            double evalMillis = llama_perf_context_data.t_eval_ms(data);
            // llama.cpp reports counts of at least 1 (to spare its printer a division by zero);
            // a count with no time measured is really zero.
            return new PerformanceStats(
                    llama_perf_context_data.t_load_ms(data),
                    promptMillis,
                    evalMillis,
                    promptMillis == 0 ? 0 : llama_perf_context_data.n_p_eval(data),
                    evalMillis == 0 ? 0 : llama_perf_context_data.n_eval(data),
                    llama_perf_context_data.n_reused(data));
        } finally {
            exit();
        }
    }

    public void resetPerformance() {
        enter();
        try {
            llama_perf_context_reset(handle);
        } finally {
            exit();
        }
    }

    /**
     * The normalised (unit length) embedding of a text: needs a context created with
     * {@link ContextOptions#embeddings()} and a pooling other than NONE. Uses sequence 0 and
     * clears the memory first.
     */
    public float[] embed(String text) {
        Objects.requireNonNull(text, "text");
        enter();
        try {
            requireEmbeddings();
            if (llama_pooling_type(handle) == LLAMA_POOLING_TYPE_NONE()) {
                throw new IllegalStateException("embed needs a pooling type other than NONE (ContextOptions.pooling)");
            }
            int[] tokens = model.vocabularyUnchecked().tokenizeUtf8(
                    text.getBytes(java.nio.charset.StandardCharsets.UTF_8), true, false);
            if (tokens.length == 0) {
                throw new IllegalArgumentException("the text gives no tokens");
            }
            if (tokens.length > ubatchSize) {
                throw new IllegalArgumentException("the text is " + tokens.length + " tokens; embeddings take at most "
                        + ubatchSize + " (the context's ubatchSize)");
            }
            llama_memory_clear(llama_get_memory(handle), true);
            try (Batch batch = new Batch(tokens.length)) {
                for (int i = 0; i < tokens.length; i++) {
                    batch.add(tokens[i], i, true);
                }
                decodeUnguarded(batch);
            }
            float[] vector = sequenceEmbeddingsUnguarded(0);
            double norm = 0;
            for (float v : vector) {
                norm += (double) v * v;
            }
            norm = Math.sqrt(norm);
            if (norm > 0) {
                for (int i = 0; i < vector.length; i++) {
                    vector[i] = (float) (vector[i] / norm);
                }
            }
            return vector;
        } finally {
            exit();
        }
    }

    // ---- generation ----

    /**
     * Generates a completion of {@code prompt}, starting from an empty memory.
     *
     * @throws DecodeException if decoding fails; cancellation and a full context end the
     *     completion normally, with {@link StopReason#CANCELLED} / {@link StopReason#CONTEXT_FULL}
     */
    public Completion complete(String prompt, GenerationOptions options) {
        return complete(prompt, options, piece -> {});
    }

    /** As {@link #complete(String, GenerationOptions)}, passing each piece of text as it is produced. */
    public Completion complete(String prompt, GenerationOptions options, Consumer<String> onText) {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(onText, "onText");
        try (CompletionStream stream = stream(prompt, options)) {
            while (stream.hasNext()) {
                onText.accept(stream.next());
            }
            return stream.completion();
        }
    }

    /**
     * Starts a streaming completion: iterate it for pieces of text. Until its last piece is read
     * or it is closed, the context refuses other calls.
     */
    public CompletionStream stream(String prompt, GenerationOptions options) {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(options, "options");
        return new CompletionStream(this, prompt, options);
    }

    // ---- plumbing ----

    /**
     * Enters the single-thread guard and checks the context is open; pair with {@link #exit()}.
     */
    void enter() {
        guard.enter();
        if (lifetime.isClosed()) {
            guard.exit();
            throw new IllegalStateException("LlamaContext is closed");
        }
        if (activeStream != null) {
            guard.exit();
            throw new IllegalStateException("a CompletionStream is open on this LlamaContext; close it first");
        }
    }

    /** Enters on behalf of an open stream: the one caller allowed while it is open. */
    void enterStream(CompletionStream stream) {
        guard.enter();
        if (lifetime.isClosed()) {
            guard.exit();
            throw new IllegalStateException("LlamaContext is closed");
        }
        if (activeStream != stream) {
            guard.exit();
            throw new IllegalStateException("this CompletionStream is closed");
        }
    }

    void beginStream(CompletionStream stream) {
        enter();
        try {
            activeStream = stream;
        } finally {
            exit();
        }
    }

    void endStream(CompletionStream stream) {
        guard.enter();
        try {
            if (activeStream == stream) {
                activeStream = null;
            }
        } finally {
            guard.exit();
        }
    }

    void exit() {
        guard.exit();
    }

    MemorySegment handle() {
        return handle;
    }

    int vocabularySize() {
        return vocabularySize;
    }

    public boolean isClosed() {
        return lifetime.isClosed();
    }

    /**
     * Frees the context (and its model, if that was closed and this was its last child).
     *
     * @throws IllegalStateException if another thread is using the context right now
     */
    @Override
    public void close() {
        guard.enter();
        try {
            synchronized (abortFlag) {
                cleanable.clean();
            }
        } finally {
            guard.exit();
        }
    }
}
