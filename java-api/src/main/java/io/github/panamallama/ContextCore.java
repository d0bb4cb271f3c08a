package io.github.panamallama;

import static io.github.panamallama.internal.llama.llama_h.*;

import io.github.panamallama.internal.lifecycle.Lifetime;
import io.github.panamallama.internal.llama.ggml_abort_callback;
import io.github.panamallama.internal.llama.llama_perf_context_data;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The native context behind a {@link LlamaContext}: decoding, the outputs of the last decode,
 * and the abort request. Every method assumes the caller holds the context's guard (the public
 * facade, a generation step, an embedding), except {@link #requestAbort()} and
 * {@link #consumeAbort()}, which any thread may call.
 */
final class ContextCore {
    private final LlamaModel model;
    private final Lifetime lifetime;
    private final MemorySegment handle;
    private final AbortFlag abortFlag;
    private final int contextLength;
    private final int batchSize;
    private final int ubatchSize;
    private final int sequences;
    private final int sequenceContextLength;
    private final int vocabularySize;
    private final int embeddingLength;
    private final boolean embeddings;
    /** Which indices of the last decoded batch have outputs; reused between decodes. */
    private final boolean[] lastOutputs;
    private int lastBatchSize;

    ContextCore(LlamaModel model, Lifetime lifetime, MemorySegment handle, boolean embeddings) {
        this.model = model;
        this.lifetime = lifetime;
        this.handle = handle;
        this.abortFlag = new AbortFlag(lifetime.arena());
        this.contextLength = llama_n_ctx(handle);
        this.batchSize = llama_n_batch(handle);
        this.ubatchSize = llama_n_ubatch(handle);
        this.sequences = llama_n_seq_max(handle);
        this.sequenceContextLength = llama_n_ctx_seq(handle);
        this.vocabularySize = model.heldVocabulary().size();
        this.embeddingLength = llama_model_n_embd_out(model.handle());
        this.embeddings = embeddings;
        this.lastOutputs = new boolean[batchSize];
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
        /** Decodes and generations in progress (a generation's decodes nest in it). */
        private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        private final AtomicBoolean requested = new AtomicBoolean();
        final MemorySegment callback;
        boolean installed;

        AbortFlag(Arena arena) {
            callback = ggml_abort_callback.allocate(this::test, arena);
        }

        private boolean test(MemorySegment ignored) {
            return requested.get();
        }
    }

    LlamaModel model() {
        return model;
    }

    MemorySegment handle() {
        return handle;
    }

    int contextLength() {
        return contextLength;
    }

    int batchSize() {
        return batchSize;
    }

    int ubatchSize() {
        return ubatchSize;
    }

    int sequences() {
        return sequences;
    }

    int sequenceContextLength() {
        return sequenceContextLength;
    }

    int vocabularySize() {
        return vocabularySize;
    }

    /** Runs the model on a batch; see {@link LlamaContext#decode(Batch)}. */
    void decode(Batch batch) {
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
        beginRun();
        try {
            if (consumeAbort()) {
                // Requested by the generation this decode belongs to, between its tokens.
                throw new DecodeAbortedException();
            }
            code = llama_decode(handle, batch.struct());
        } finally {
            uninstallAbortCallback();
            endRun();
        }
        if (code == 2) {
            consumeAbort();
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

    float[] logits(int batchIndex) {
        checkOutput(batchIndex);
        MemorySegment row = llama_get_logits_ith(handle, batchIndex);
        if (row.equals(MemorySegment.NULL)) {
            throw new IllegalArgumentException("no logits for batch index " + batchIndex);
        }
        return row.reinterpret((long) vocabularySize * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
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

    float[] embeddings(int batchIndex) {
        requireEmbeddings();
        checkOutput(batchIndex);
        MemorySegment row = llama_get_embeddings_ith(handle, batchIndex);
        if (row.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("no per-token embeddings for batch index " + batchIndex
                    + " (pooled contexts give sequenceEmbeddings instead)");
        }
        return row.reinterpret((long) embeddingLength * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
    }

    float[] sequenceEmbeddings(int sequenceId) {
        requireEmbeddings();
        checkSequence(sequenceId);
        MemorySegment row = llama_get_embeddings_seq(handle, sequenceId);
        if (row.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("no pooled embedding for sequence " + sequenceId
                    + " (pooling is NONE, or the sequence was not decoded)");
        }
        int length = llama_pooling_type(handle) == LLAMA_POOLING_TYPE_RANK()
                ? llama_model_n_cls_out(model.handle()) : embeddingLength;
        return row.reinterpret((long) length * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
    }

    PoolingType pooling() {
        return PoolingType.of(llama_pooling_type(handle));
    }

    void requireEmbeddings() {
        if (!embeddings) {
            throw new IllegalStateException("this context was created without ContextOptions.embeddings(true)");
        }
    }

    /** {@code batchIndex} must be an output of the last decode (samplers read it). */
    void checkOutput(int batchIndex) {
        if (batchIndex < 0 || batchIndex >= lastBatchSize) {
            throw new IllegalArgumentException("batch index " + batchIndex + " is outside the last decoded batch (0.."
                    + (lastBatchSize - 1) + ")");
        }
        if (!lastOutputs[batchIndex]) {
            throw new IllegalArgumentException("batch index " + batchIndex + " was added without logits/output");
        }
    }

    void checkSequence(int sequenceId) {
        if (sequenceId < 0 || sequenceId >= sequences) {
            throw new IllegalArgumentException("sequence id " + sequenceId + " is outside 0.." + (sequences - 1));
        }
    }

    /**
     * A decode or generation starts. The outermost one drops any request left over from an
     * earlier run, so an abort never reaches past the run it was meant for.
     */
    void beginRun() {
        if (abortFlag.running.getAndIncrement() == 0) {
            abortFlag.requested.set(false);
        }
    }

    /** The run begun with {@link #beginRun()} has ended. */
    void endRun() {
        if (abortFlag.running.decrementAndGet() == 0) {
            abortFlag.requested.set(false);
        }
    }

    /** See {@link LlamaContext#abort()}; any thread. A no-op while nothing runs. */
    void requestAbort() {
        if (abortFlag.running.get() == 0) {
            return;
        }
        abortFlag.requested.set(true);
        synchronized (abortFlag) {
            if (!abortFlag.installed && !lifetime.isClosed()) {
                // Takes effect at the next graph llama.cpp computes: the next micro-batch of a
                // running decode; a generation also checks the flag between tokens.
                llama_set_abort_callback(handle, abortFlag.callback, MemorySegment.NULL);
                abortFlag.installed = true;
            }
        }
    }

    /** Consumes a pending abort request: true if there was one (generation checks between tokens). */
    boolean consumeAbort() {
        return abortFlag.requested.getAndSet(false);
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

    PerformanceStats performance() {
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
        }
    }

    /** Frees the context; ordered against a concurrent {@link #requestAbort()}. */
    void close(Cleaner.Cleanable cleanable) {
        synchronized (abortFlag) {
            cleanable.clean();
        }
    }
}
