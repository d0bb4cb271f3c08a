package io.github.panamallama;

import io.github.panamallama.internal.generation.StopStringFilter;
import io.github.panamallama.internal.generation.Utf8Assembler;
import java.util.Arrays;

/**
 * What each sampled token of one generation does to its output: the one place the rules that
 * end a generation by what it produced live (an end-of-generation token, a stop string, the
 * token budget), for {@link CompletionStream} and {@link ParallelGenerator} alike. It records
 * the tokens and assembles text pieces that never split a UTF-8 character and never show part
 * of a stop string. Memory limits (context full) and cancellation belong to the caller. Not
 * thread-safe; per token it allocates only the text it emits.
 */
final class GeneratedText {
    private final Vocabulary vocabulary;
    private final int maxTokens;
    private final Utf8Assembler utf8 = new Utf8Assembler();
    private final StopStringFilter stops;
    private final StringBuilder text = new StringBuilder();
    private int[] tokens = new int[32];
    private int count;
    private String piece;

    GeneratedText(Vocabulary vocabulary, GenerationOptions options) {
        this.vocabulary = vocabulary;
        this.maxTokens = options.maxTokens();
        this.stops = new StopStringFilter(options.stopStrings());
    }

    /**
     * Takes a sampled token.
     *
     * @return null while the generation goes on, else why it ends (the token that ends it by
     *     end-of-generation is not recorded)
     */
    StopReason accept(int token, TokenPieces pieces) {
        if (vocabulary.endsGeneration(token)) {
            return StopReason.EOS;
        }
        record(token);
        int length = pieces.read(token);
        emit(stops.feed(utf8.append(pieces.bytes(), 0, length)));
        if (stops.stopped()) {
            return StopReason.STOP_STRING;
        }
        if (count >= maxTokens) {
            return StopReason.MAX_TOKENS;
        }
        return null;
    }

    /**
     * Once the generation has ended: releases the text held back for a stop string or a split
     * character that never completed. Idempotent.
     */
    void finish() {
        if (!stops.stopped()) {
            emit(stops.feed(utf8.flush()) + stops.flush());
        }
    }

    /** Whether text is waiting to be taken. */
    boolean hasPiece() {
        return piece != null;
    }

    /** The text produced since the last call (may join several tokens' text), or null. */
    String takePiece() {
        String taken = piece;
        piece = null;
        return taken;
    }

    /** Tokens generated (recorded) so far. */
    int count() {
        return count;
    }

    int[] tokens() {
        return Arrays.copyOf(tokens, count);
    }

    /** The result, once {@link #finish()} has run and every piece was taken. */
    Completion completion(StopReason reason, GenerationTimings timings) {
        return new Completion(text.toString(), tokens(), reason, timings);
    }

    private void record(int token) {
        if (count == tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length * 2);
        }
        tokens[count++] = token;
    }

    private void emit(String emitted) {
        if (emitted.isEmpty()) {
            return;
        }
        piece = piece == null ? emitted : piece + emitted;
        text.append(emitted);
    }
}
