package io.github.panamallama;

import java.util.Arrays;

/**
 * One sequence of a {@link ParallelGenerator}'s context: the tokens its memory holds, by
 * position, and the request running on it, if any. Between requests the tokens stay: they are
 * the prompt cache. Used by the driver thread only.
 */
final class SequenceSlot {
    private final int id;
    private int[] tokens = new int[64];
    private int length;
    private long lastUsed;
    private SequenceRun run;

    SequenceSlot(int id) {
        this.id = id;
    }

    /** The sequence id in the context's memory. */
    int id() {
        return id;
    }

    /** Tokens the memory holds for this sequence (positions {@code 0..length-1}). */
    int length() {
        return length;
    }

    /** How many leading tokens of {@code prompt} this sequence holds already. */
    int commonPrefix(int[] prompt) {
        int limit = Math.min(length, prompt.length);
        int mismatch = Arrays.mismatch(tokens, 0, limit, prompt, 0, limit);
        return mismatch < 0 ? limit : mismatch;
    }

    /** Records that the memory now holds one more token. */
    void append(int token) {
        if (length == tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length * 2);
        }
        tokens[length++] = token;
    }

    /** Records that the memory keeps only the first {@code count} tokens. */
    void truncate(int count) {
        length = Math.min(length, count);
    }

    boolean idle() {
        return run == null;
    }

    SequenceRun run() {
        return run;
    }

    void start(SequenceRun started) {
        this.run = started;
    }

    /** The request has ended; {@code tick} orders slots by last use, for eviction. */
    void end(long tick) {
        this.run = null;
        this.lastUsed = tick;
    }

    long lastUsed() {
        return lastUsed;
    }
}
