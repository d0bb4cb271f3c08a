package io.github.panamallama;

import static io.github.panamallama.internal.llama.llama_h.*;

import io.github.panamallama.internal.lifecycle.Cleaners;
import io.github.panamallama.internal.lifecycle.Lifetime;
import io.github.panamallama.internal.llama.llama_batch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;

/**
 * Tokens to decode in one {@link LlamaContext#decode(Batch)} call: for each, its id, position,
 * the sequences it belongs to and whether to compute its logits. Owns a native
 * {@code llama_batch}; reusable ({@link #clear()}); not thread-safe.
 */
public final class Batch implements AutoCloseable {
    private final Lifetime lifetime;
    private final MemorySegment struct;
    private final MemorySegment tokens;
    private final MemorySegment positions;
    private final MemorySegment seqIdCounts;
    /** Per token, its llama.cpp-allocated array of sequence ids; fixed after init. */
    private final MemorySegment[] seqIdRows;
    private final MemorySegment outputs;
    private final int capacity;
    private final int maxSequencesPerToken;
    private final Cleaner.Cleanable cleanable;
    private int size;
    private int highestSeqId = -1;

    /**
     * @param capacity most tokens the batch holds
     * @param maxSequencesPerToken most sequence ids one token may belong to
     */
    public Batch(int capacity, int maxSequencesPerToken) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be > 0: " + capacity);
        }
        if (maxSequencesPerToken < 1 || maxSequencesPerToken > ContextOptions.MAX_SEQUENCES) {
            throw new IllegalArgumentException("maxSequencesPerToken must be 1.." + ContextOptions.MAX_SEQUENCES
                    + ": " + maxSequencesPerToken);
        }
        LlamaRuntime.get();
        this.capacity = capacity;
        this.maxSequencesPerToken = maxSequencesPerToken;
        this.lifetime = new Lifetime("Batch");
        Arena arena = lifetime.arena();
        // llama_batch_init returns the struct by value: keep that copy in an automatic arena the
        // free action captures, so it is still there whenever the batch's arena closes.
        MemorySegment byValue = llama_batch_init(Arena.ofAuto(), capacity, 0, maxSequencesPerToken);
        this.struct = byValue.reinterpret(arena, ignored -> llama_batch_free(byValue));
        this.tokens = llama_batch.token(struct).reinterpret((long) capacity * Integer.BYTES, arena, null);
        this.positions = llama_batch.pos(struct).reinterpret((long) capacity * Integer.BYTES, arena, null);
        this.seqIdCounts = llama_batch.n_seq_id(struct).reinterpret((long) capacity * Integer.BYTES, arena, null);
        MemorySegment seqIdArrays = llama_batch.seq_id(struct).reinterpret((long) capacity * ValueLayout.ADDRESS.byteSize(), arena, null);
        this.seqIdRows = new MemorySegment[capacity];
        for (int i = 0; i < capacity; i++) {
            seqIdRows[i] = seqIdArrays.getAtIndex(ValueLayout.ADDRESS, i)
                    .reinterpret((long) maxSequencesPerToken * Integer.BYTES, arena, null);
        }
        this.outputs = llama_batch.logits(struct).reinterpret(capacity, arena, null);
        llama_batch.n_tokens(struct, 0);
        this.cleanable = Cleaners.register(this, lifetime);
    }

    /** A batch for one sequence per token. */
    public Batch(int capacity) {
        this(capacity, 1);
    }

    public int capacity() {
        return capacity;
    }

    /** Tokens added since the last {@link #clear()}. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Adds a token of sequence 0. Allocates nothing: generation calls it once per token. */
    public Batch add(int token, int position, boolean computeLogits) {
        checkAdd(token, position);
        seqIdRows[size].set(ValueLayout.JAVA_INT, 0, 0);
        highestSeqId = Math.max(highestSeqId, 0);
        put(token, position, computeLogits, 1);
        return this;
    }

    /**
     * Adds a token of one sequence. Allocates nothing: a generator that decodes several
     * sequences in one batch calls it once per token.
     *
     * @throws IllegalArgumentException for a negative token or position, a bad sequence id
     * @throws IllegalStateException if the batch is full or closed
     */
    public Batch add(int token, int position, boolean computeLogits, int sequenceId) {
        checkAdd(token, position);
        if (sequenceId < 0 || sequenceId >= ContextOptions.MAX_SEQUENCES) {
            throw new IllegalArgumentException("sequence id must be 0.." + (ContextOptions.MAX_SEQUENCES - 1) + ": " + sequenceId);
        }
        seqIdRows[size].set(ValueLayout.JAVA_INT, 0, sequenceId);
        highestSeqId = Math.max(highestSeqId, sequenceId);
        put(token, position, computeLogits, 1);
        return this;
    }

    /**
     * Adds a token.
     *
     * @param position its position in its sequences (0-based)
     * @param computeLogits whether the decode computes this token's logits (usually only the last)
     * @param sequenceIds the sequences it belongs to (at least one)
     * @throws IllegalArgumentException for a negative token or position, a bad sequence id
     * @throws IllegalStateException if the batch is full or closed
     */
    public Batch add(int token, int position, boolean computeLogits, int... sequenceIds) {
        checkAdd(token, position);
        if (sequenceIds.length < 1 || sequenceIds.length > maxSequencesPerToken) {
            throw new IllegalArgumentException("a token belongs to 1.." + maxSequencesPerToken
                    + " sequences in this batch, not " + sequenceIds.length);
        }
        for (int id : sequenceIds) {
            if (id < 0 || id >= ContextOptions.MAX_SEQUENCES) {
                throw new IllegalArgumentException("sequence id must be 0.." + (ContextOptions.MAX_SEQUENCES - 1) + ": " + id);
            }
        }
        MemorySegment ids = seqIdRows[size];
        for (int i = 0; i < sequenceIds.length; i++) {
            ids.setAtIndex(ValueLayout.JAVA_INT, i, sequenceIds[i]);
            highestSeqId = Math.max(highestSeqId, sequenceIds[i]);
        }
        put(token, position, computeLogits, sequenceIds.length);
        return this;
    }

    private void checkAdd(int token, int position) {
        lifetime.checkOpen();
        if (size == capacity) {
            throw new IllegalStateException("Batch is full (capacity " + capacity + ")");
        }
        if (token < 0) {
            throw new IllegalArgumentException("token must be >= 0: " + token);
        }
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0: " + position);
        }
    }

    private void put(int token, int position, boolean computeLogits, int sequenceCount) {
        tokens.setAtIndex(ValueLayout.JAVA_INT, size, token);
        positions.setAtIndex(ValueLayout.JAVA_INT, size, position);
        seqIdCounts.setAtIndex(ValueLayout.JAVA_INT, size, sequenceCount);
        outputs.set(ValueLayout.JAVA_BYTE, size, computeLogits ? (byte) 1 : 0);
        size++;
        llama_batch.n_tokens(struct, size);
    }

    /**
     * Adds consecutive tokens of one sequence starting at {@code firstPosition}; only the last
     * gets logits if {@code logitsForLast}.
     */
    public Batch addSequence(int[] tokenIds, int firstPosition, int sequenceId, boolean logitsForLast) {
        if (tokenIds.length > capacity - size) {
            throw new IllegalStateException("Batch has room for " + (capacity - size) + " more tokens, not "
                    + tokenIds.length);
        }
        for (int i = 0; i < tokenIds.length; i++) {
            add(tokenIds[i], firstPosition + i, logitsForLast && i == tokenIds.length - 1, sequenceId);
        }
        return this;
    }

    /** Empties the batch for reuse. */
    public void clear() {
        lifetime.checkOpen();
        size = 0;
        highestSeqId = -1;
        llama_batch.n_tokens(struct, 0);
    }

    public int token(int index) {
        return tokens.getAtIndex(ValueLayout.JAVA_INT, checkIndex(index));
    }

    public int position(int index) {
        return positions.getAtIndex(ValueLayout.JAVA_INT, checkIndex(index));
    }

    public boolean computesLogits(int index) {
        return outputs.get(ValueLayout.JAVA_BYTE, checkIndex(index)) != 0;
    }

    private int checkIndex(int index) {
        lifetime.checkOpen();
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("batch index " + index + " outside 0.." + (size - 1));
        }
        return index;
    }

    int highestSequenceId() {
        return highestSeqId;
    }

    /** The native struct for llama_decode; valid until close. */
    MemorySegment struct() {
        lifetime.checkOpen();
        return struct;
    }

    @Override
    public void close() {
        cleanable.clean();
    }
}
