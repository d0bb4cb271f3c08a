package io.github.panamallama;

import static io.github.panamallama.internal.llama.llama_h.*;

import io.github.panamallama.internal.lifecycle.ThreadGuard;
import java.lang.foreign.MemorySegment;
import java.util.OptionalInt;

/**
 * The memory (KV cache) of a {@link LlamaContext}: which tokens of which sequences it holds,
 * by position. Positions ranges are half-open {@code [from, to)}. Same threading rules as its
 * context. Every memory operation of the library goes through this class.
 */
public final class ContextMemory {
    private final ThreadGuard guard;
    private final ContextCore core;
    private final MemorySegment memory;

    ContextMemory(ThreadGuard guard, ContextCore core) {
        this.guard = guard;
        this.core = core;
        this.memory = llama_get_memory(core.handle());
    }

    /** Forgets everything (and zeroes the buffers). */
    public void clear() {
        guard.run(() -> keepPrefix(0));
    }

    /**
     * Keeps the first {@code tokens} positions of sequence 0 and drops the rest of it; with 0,
     * forgets everything, as {@link #clear()}. How a generation reuses a cached prompt prefix
     * and an embedding starts afresh: the caller already holds the context's guard.
     */
    void keepPrefix(int tokens) {
        if (tokens == 0) {
            llama_memory_clear(memory, true);
        } else {
            llama_memory_seq_rm(memory, 0, tokens, -1);
        }
    }

    /**
     * Keeps the first {@code tokens} positions of one sequence and drops the rest of it, for a
     * caller that holds the context's guard ({@link ParallelGenerator}'s prompt cache).
     *
     * @return false if llama.cpp cannot cut the sequence there (recurrent or sliding-window
     *     memory); the sequence is then unchanged
     */
    boolean keepSequencePrefix(int sequenceId, int tokens) {
        return llama_memory_seq_rm(memory, sequenceId, tokens, -1);
    }

    /** Removes a whole sequence. */
    public void removeSequence(int sequenceId) {
        removeTokens(sequenceId, 0, Integer.MAX_VALUE);
    }

    /**
     * Removes the tokens of a sequence with positions in {@code [from, to)};
     * {@code to == Integer.MAX_VALUE} means to the end.
     *
     * @return false if llama.cpp cannot remove part of a sequence (recurrent models)
     */
    public boolean removeTokens(int sequenceId, int from, int to) {
        checkRange(from, to);
        return guard.call(() -> {
            core.checkSequence(sequenceId);
            return llama_memory_seq_rm(memory, sequenceId, from, end(to));
        });
    }

    /** Copies a whole sequence's tokens to another sequence (sharing, not duplicating, cells). */
    public void copySequence(int source, int destination) {
        copyTokens(source, destination, 0, Integer.MAX_VALUE);
    }

    /** Copies the tokens of {@code source} with positions in {@code [from, to)} to {@code destination}. */
    public void copyTokens(int source, int destination, int from, int to) {
        checkRange(from, to);
        guard.run(() -> {
            core.checkSequence(source);
            core.checkSequence(destination);
            llama_memory_seq_cp(memory, source, destination, from, end(to));
        });
    }

    /** Removes every token not in this sequence. */
    public void keepOnly(int sequenceId) {
        guard.run(() -> {
            core.checkSequence(sequenceId);
            llama_memory_seq_keep(memory, sequenceId);
        });
    }

    /**
     * Adds {@code delta} to the positions in {@code [from, to)} of a sequence (context shifting).
     *
     * @throws UnsupportedOperationException if this memory cannot shift ({@link #canShift()})
     */
    public void shiftPositions(int sequenceId, int from, int to, int delta) {
        checkRange(from, to);
        guard.run(() -> {
            core.checkSequence(sequenceId);
            requireShift();
            llama_memory_seq_add(memory, sequenceId, from, end(to), delta);
        });
    }

    /** Divides the positions in {@code [from, to)} of a sequence by {@code divisor} (> 1). */
    public void dividePositions(int sequenceId, int from, int to, int divisor) {
        checkRange(from, to);
        if (divisor <= 1) {
            throw new IllegalArgumentException("divisor must be > 1: " + divisor);
        }
        guard.run(() -> {
            core.checkSequence(sequenceId);
            requireShift();
            llama_memory_seq_div(memory, sequenceId, from, end(to), divisor);
        });
    }

    /** The smallest position held for a sequence, empty if it holds none. */
    public OptionalInt minPosition(int sequenceId) {
        return position(guard.callInt(() -> {
            core.checkSequence(sequenceId);
            return llama_memory_seq_pos_min(memory, sequenceId);
        }));
    }

    /** The largest position held for a sequence, empty if it holds none. */
    public OptionalInt maxPosition(int sequenceId) {
        return position(guard.callInt(() -> {
            core.checkSequence(sequenceId);
            return llama_memory_seq_pos_max(memory, sequenceId);
        }));
    }

    /** Whether positions can be shifted or divided. */
    public boolean canShift() {
        return guard.call(() -> llama_memory_can_shift(memory));
    }

    private void requireShift() {
        if (!llama_memory_can_shift(memory)) {
            throw new UnsupportedOperationException("this context's memory cannot shift positions");
        }
    }

    private static OptionalInt position(int pos) {
        return pos < 0 ? OptionalInt.empty() : OptionalInt.of(pos);
    }

    private static void checkRange(int from, int to) {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("position range [" + from + ", " + to + ") is invalid: need 0 <= from <= to");
        }
    }

    /** llama.cpp's "to the end" is a negative p1. */
    private static int end(int to) {
        return to == Integer.MAX_VALUE ? -1 : to;
    }
}
