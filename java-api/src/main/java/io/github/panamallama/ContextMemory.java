package io.github.panamallama;

import static io.github.panamallama.internal.llama.llama_h.*;

import java.lang.foreign.MemorySegment;
import java.util.OptionalInt;

/**
 * The memory (KV cache) of a {@link LlamaContext}: which tokens of which sequences it holds,
 * by position. Positions ranges are half-open {@code [from, to)}. Same threading rules as its
 * context.
 */
public final class ContextMemory {
    private final LlamaContext context;
    private final MemorySegment memory;

    ContextMemory(LlamaContext context, MemorySegment memory) {
        this.context = context;
        this.memory = memory;
    }

    /** Forgets everything (and zeroes the buffers). */
    public void clear() {
        context.enter();
        try {
            llama_memory_clear(memory, true);
        } finally {
            context.exit();
        }
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
        context.enter();
        try {
            context.checkSequence(sequenceId);
            return llama_memory_seq_rm(memory, sequenceId, from, end(to));
        } finally {
            context.exit();
        }
    }

    /** Copies a whole sequence's tokens to another sequence (sharing, not duplicating, cells). */
    public void copySequence(int source, int destination) {
        copyTokens(source, destination, 0, Integer.MAX_VALUE);
    }

    /** Copies the tokens of {@code source} with positions in {@code [from, to)} to {@code destination}. */
    public void copyTokens(int source, int destination, int from, int to) {
        checkRange(from, to);
        context.enter();
        try {
            context.checkSequence(source);
            context.checkSequence(destination);
            llama_memory_seq_cp(memory, source, destination, from, end(to));
        } finally {
            context.exit();
        }
    }

    /** Removes every token not in this sequence. */
    public void keepOnly(int sequenceId) {
        context.enter();
        try {
            context.checkSequence(sequenceId);
            llama_memory_seq_keep(memory, sequenceId);
        } finally {
            context.exit();
        }
    }

    /**
     * Adds {@code delta} to the positions in {@code [from, to)} of a sequence (context shifting).
     *
     * @throws UnsupportedOperationException if this memory cannot shift ({@link #canShift()})
     */
    public void shiftPositions(int sequenceId, int from, int to, int delta) {
        checkRange(from, to);
        context.enter();
        try {
            context.checkSequence(sequenceId);
            requireShift();
            llama_memory_seq_add(memory, sequenceId, from, end(to), delta);
        } finally {
            context.exit();
        }
    }

    /** Divides the positions in {@code [from, to)} of a sequence by {@code divisor} (> 1). */
    public void dividePositions(int sequenceId, int from, int to, int divisor) {
        checkRange(from, to);
        if (divisor <= 1) {
            throw new IllegalArgumentException("divisor must be > 1: " + divisor);
        }
        context.enter();
        try {
            context.checkSequence(sequenceId);
            requireShift();
            llama_memory_seq_div(memory, sequenceId, from, end(to), divisor);
        } finally {
            context.exit();
        }
    }

    /** The smallest position held for a sequence, empty if it holds none. */
    public OptionalInt minPosition(int sequenceId) {
        context.enter();
        try {
            context.checkSequence(sequenceId);
            int pos = llama_memory_seq_pos_min(memory, sequenceId);
            return pos < 0 ? OptionalInt.empty() : OptionalInt.of(pos);
        } finally {
            context.exit();
        }
    }

    /** The largest position held for a sequence, empty if it holds none. */
    public OptionalInt maxPosition(int sequenceId) {
        context.enter();
        try {
            context.checkSequence(sequenceId);
            return maxPositionUnguarded(sequenceId);
        } finally {
            context.exit();
        }
    }

    OptionalInt maxPositionUnguarded(int sequenceId) {
        int pos = llama_memory_seq_pos_max(memory, sequenceId);
        return pos < 0 ? OptionalInt.empty() : OptionalInt.of(pos);
    }

    /** Whether positions can be shifted or divided. */
    public boolean canShift() {
        context.enter();
        try {
            return llama_memory_can_shift(memory);
        } finally {
            context.exit();
        }
    }

    private void requireShift() {
        if (!llama_memory_can_shift(memory)) {
            throw new UnsupportedOperationException("this context's memory cannot shift positions");
        }
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
