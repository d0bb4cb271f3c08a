package io.github.panamallama;

import static io.github.panamallama.internal.llama.llama_h.*;

import io.github.panamallama.internal.lifecycle.Cleaners;
import io.github.panamallama.internal.lifecycle.Lifetime;
import io.github.panamallama.internal.lifecycle.ThreadGuard;
import io.github.panamallama.internal.llama.llama_context_params;
import io.github.panamallama.internal.runtime.ContextThreadpools;
import io.github.panamallama.internal.runtime.NativeLog;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
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
    private final LlamaModel model;
    private final Lifetime lifetime;
    /** Every call but {@link #abort()} runs inside it; an open {@link CompletionStream} holds it. */
    private final ThreadGuard guard;
    private final ContextCore core;
    private final ContextThreadpools threadpools;
    private final ContextMemory memory;
    private final ContextState state;
    private final TextEmbedder embedder;
    private final Cleaner.Cleanable cleanable;

    private LlamaContext(LlamaModel model, Lifetime lifetime, MemorySegment handle, ContextThreadpools threadpools,
            ContextOptions options) {
        this.model = model;
        this.lifetime = lifetime;
        this.guard = new ThreadGuard("LlamaContext", lifetime);
        this.core = new ContextCore(model, lifetime, handle, options.embeddings());
        this.threadpools = threadpools;
        this.memory = new ContextMemory(guard, core);
        this.state = new ContextState(core);
        this.embedder = new TextEmbedder(core, memory);
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
        if (options.contextLength() == 0 && options.sequences() > model.trainingContextLength()) {
            // As ContextOptions checks for a given length: llama.cpp would abort the process.
            throw new IllegalArgumentException(options.sequences() + " sequences need a context of at least as many tokens;"
                    + " the model's training length, used when contextLength is 0, is " + model.trainingContextLength());
        }
        model.lifetime().acquire();
        Lifetime lifetime = new Lifetime("LlamaContext", List.of(model.lifetime()));
        try {
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
            return new LlamaContext(model, lifetime, owned, threadpools, options);
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
        llama_context_params.swa_full(p, o.fullSlidingWindowCache());
    }

    public LlamaModel model() {
        return model;
    }

    /** Tokens the memory holds (n_ctx as llama.cpp set it). */
    public int contextLength() {
        lifetime.checkOpen();
        return core.contextLength();
    }

    /** Most tokens one decode takes. */
    public int batchSize() {
        lifetime.checkOpen();
        return core.batchSize();
    }

    public int ubatchSize() {
        lifetime.checkOpen();
        return core.ubatchSize();
    }

    /** Distinct sequences the memory holds; sequence ids are {@code 0..sequences()-1}. */
    public int sequences() {
        lifetime.checkOpen();
        return core.sequences();
    }

    /**
     * Tokens one sequence may hold (llama.cpp's n_ctx_seq): the whole {@link #contextLength()}
     * with {@link ContextOptions#unifiedMemory()}, where the sequences share it, else each
     * sequence's own part of it.
     */
    public int sequenceContextLength() {
        return core.sequenceContextLength();
    }

    public int threads() {
        return guard.callInt(() -> llama_n_threads(core.handle()));
    }

    public int batchThreads() {
        return guard.callInt(() -> llama_n_threads_batch(core.handle()));
    }

    public void setThreads(int threads, int batchThreads) {
        if (threads < 1 || batchThreads < 1) {
            throw new IllegalArgumentException("thread counts must be > 0: " + threads + ", " + batchThreads);
        }
        guard.run(() -> {
            threadpools.resize(core.handle(), threads, batchThreads);
            llama_set_n_threads(core.handle(), threads, batchThreads);
        });
    }

    public PoolingType pooling() {
        return guard.call(core::pooling);
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
        guard.run(() -> core.decode(batch));
    }

    /**
     * Logits of one token of the last decoded batch (one float per vocabulary entry), copied.
     *
     * @param batchIndex the token's index in that batch; it must have been added with logits
     */
    public float[] logits(int batchIndex) {
        return guard.call(() -> core.logits(batchIndex));
    }

    /** Logits of the last token of the last decoded batch that had logits. */
    public float[] lastLogits() {
        return guard.call(() -> core.logits(core.lastOutputIndex()));
    }

    /**
     * The embedding of one token of the last decoded batch (needs
     * {@link ContextOptions#embeddings()} and pooling NONE or a generative model).
     */
    public float[] embeddings(int batchIndex) {
        return guard.call(() -> core.embeddings(batchIndex));
    }

    /** The pooled embedding of a sequence (needs embeddings on and a pooling other than NONE). */
    public float[] sequenceEmbeddings(int sequenceId) {
        return guard.call(() -> core.sequenceEmbeddings(sequenceId));
    }

    /**
     * The normalised (unit length) embedding of a text: needs a context created with
     * {@link ContextOptions#embeddings()} and a pooling other than NONE. Uses sequence 0 and
     * clears the memory first.
     */
    public float[] embed(String text) {
        Objects.requireNonNull(text, "text");
        return guard.call(() -> embedder.embed(text));
    }

    /**
     * As {@link #embed(String)}, from tokens already made (with {@code addSpecial}, as
     * {@code embed(String)} tokenizes), so a caller that counted them does not tokenize twice.
     */
    public float[] embed(int[] tokens) {
        Objects.requireNonNull(tokens, "tokens");
        int[] copy = tokens.clone();
        return guard.call(() -> embedder.embed(copy));
    }

    // ---- state ----

    /** The whole state (memory, logits, embeddings) as bytes, for {@link #restoreState(byte[])}. */
    public byte[] saveState() {
        return guard.call(state::save);
    }

    /**
     * Restores a state from {@link #saveState()} (of a context on the same model).
     *
     * @throws IllegalArgumentException if llama.cpp cannot read it
     */
    public void restoreState(byte[] bytes) {
        Objects.requireNonNull(bytes, "state");
        guard.run(() -> state.restore(bytes));
    }

    /** Writes the whole state and the given tokens (usually the prompt so far) to a file. */
    public void saveState(Path file, int[] tokens) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(tokens, "tokens");
        guard.run(() -> state.save(file, tokens));
    }

    /**
     * Restores the state from a file written by {@link #saveState(Path, int[])}.
     *
     * @return the tokens saved with it
     */
    public int[] loadState(Path file) {
        Objects.requireNonNull(file, "file");
        ContextState.requireReadable(file);
        return guard.call(() -> state.load(file));
    }

    /** The state of one sequence as bytes. */
    public byte[] saveSequenceState(int sequenceId) {
        return guard.call(() -> state.saveSequence(sequenceId));
    }

    /** Loads a sequence state from {@link #saveSequenceState(int)} into {@code sequenceId}. */
    public void restoreSequenceState(int sequenceId, byte[] bytes) {
        Objects.requireNonNull(bytes, "state");
        guard.run(() -> state.restoreSequence(sequenceId, bytes));
    }

    /** Writes one sequence's state and tokens to a file. */
    public void saveSequenceState(Path file, int sequenceId, int[] tokens) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(tokens, "tokens");
        guard.run(() -> state.saveSequence(file, sequenceId, tokens));
    }

    /** Loads a sequence state file into {@code sequenceId}; returns its tokens. */
    public int[] loadSequenceState(Path file, int sequenceId) {
        Objects.requireNonNull(file, "file");
        ContextState.requireReadable(file);
        return guard.call(() -> state.loadSequence(file, sequenceId));
    }

    // ---- abort, performance ----

    /**
     * Asks the running decode or generation to stop: the decode then throws
     * {@link DecodeAbortedException}; a generation (from {@link #complete}, {@link #stream} or a
     * {@link ChatSession}, until its stream is finished or closed) ends with
     * {@link StopReason#CANCELLED}. Callable from any thread, also while another thread is
     * inside this context. With nothing running it does nothing: it never cancels a later call
     * (an abort that races with the start of a call may miss it; abort again).
     */
    public void abort() {
        core.requestAbort();
    }

    /** llama.cpp's timing counters. */
    public PerformanceStats performance() {
        return guard.call(core::performance);
    }

    public void resetPerformance() {
        guard.run(() -> llama_perf_context_reset(core.handle()));
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

    /**
     * As {@link #stream(String, GenerationOptions)}, from prompt tokens already made (for
     * instance by {@link Vocabulary#tokenize(String, boolean, boolean)}), so a caller that had to
     * tokenize to check the prompt does not tokenize it twice. The options' {@code addSpecial}
     * and {@code parseSpecial} do not apply: the tokens are used as they are.
     *
     * @throws IllegalArgumentException if there are no tokens, one is not a token id, or they
     *     do not fit in the context
     */
    public CompletionStream stream(int[] promptTokens, GenerationOptions options) {
        Objects.requireNonNull(promptTokens, "promptTokens");
        Objects.requireNonNull(options, "options");
        return new CompletionStream(this, promptTokens, 0, options);
    }

    // ---- for the package: generation, samplers, chat ----

    ThreadGuard guard() {
        return guard;
    }

    ContextCore core() {
        return core;
    }

    ContextMemory heldMemory() {
        return memory;
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
        guard.runExclusive(() -> core.close(cleanable));
    }
}
