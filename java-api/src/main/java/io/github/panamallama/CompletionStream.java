package io.github.panamallama;

import io.github.panamallama.internal.generation.StopStringFilter;
import io.github.panamallama.internal.generation.Utf8Assembler;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A generation in progress, as an iterator of text pieces. Pieces never split a UTF-8
 * character and never contain (part of) a stop string. While it runs its context refuses
 * other calls; it lets go when the last piece has been read or when it is closed (use
 * try-with-resources to stop early). Single-threaded, like its context; another
 * thread may stop it with {@link LlamaContext#abort()}.
 *
 * <p>The decode loop reuses one batch and one piece buffer: per token it allocates only the
 * returned text.
 */
public final class CompletionStream implements Iterator<String>, AutoCloseable {
    private static final int PIECE_BUFFER_BYTES = 256;

    private final LlamaContext context;
    /** The context's operations; this stream holds its guard while they run. */
    private final ContextCore core;
    private final Vocabulary vocabulary;
    private final GenerationOptions options;
    private final Sampler sampler;
    private final boolean ownsSampler;
    private final int[] promptTokens;
    private final int reusedPrefix;
    private final Batch batch;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment pieceBuffer;
    private final byte[] pieceBytes = new byte[PIECE_BUFFER_BYTES];
    private final Utf8Assembler utf8 = new Utf8Assembler();
    private final StopStringFilter stops;
    private final StringBuilder text = new StringBuilder();
    /** One step, created once: the guard runs it per token without allocating. */
    private final Runnable stepInsideGuard = this::stepInsideGuard;
    private int[] generated = new int[32];
    private int generatedCount;
    private int position;
    private boolean promptDone;
    private StopReason stopReason;
    private String nextPiece;
    private boolean closed;
    private long promptStartNanos;
    private long promptEndNanos;
    private long lastTokenNanos;
    private int decodedPromptTokens;

    CompletionStream(LlamaContext context, String prompt, GenerationOptions options) {
        this(context, tokenizePrompt(context, prompt, options), 0, options);
    }

    /**
     * @param promptTokens the full prompt
     * @param reusedPrefix how many leading prompt tokens sequence 0 of the memory already holds
     */
    CompletionStream(LlamaContext context, int[] promptTokens, int reusedPrefix, GenerationOptions options) {
        this.context = context;
        this.core = context.core();
        this.vocabulary = context.model().heldVocabulary();
        this.options = options;
        this.promptTokens = promptTokens.clone();
        this.reusedPrefix = reusedPrefix;
        this.stops = new StopStringFilter(options.stopStrings());
        if (promptTokens.length == 0) {
            throw new IllegalArgumentException("the prompt gives no tokens");
        }
        if (reusedPrefix < 0 || reusedPrefix >= promptTokens.length) {
            throw new IllegalArgumentException("reused prefix " + reusedPrefix + " must leave at least one of "
                    + promptTokens.length + " prompt tokens to decode");
        }
        if (promptTokens.length >= context.contextLength()) {
            throw new IllegalArgumentException("the prompt is " + promptTokens.length
                    + " tokens; the context holds " + context.contextLength());
        }
        for (int i = 0; i < promptTokens.length; i++) {
            if (promptTokens[i] < 0 || promptTokens[i] >= core.vocabularySize()) {
                throw new IllegalArgumentException("prompt token " + i + " = " + promptTokens[i] + " is not a token id");
            }
        }
        context.guard().hold(this);
        core.beginRun(); // from here until release, abort() stops this generation
        Sampler chosen = options.sampler().orElse(null);
        boolean own = chosen == null;
        try {
            this.sampler = own ? Sampler.greedyFor(context) : chosen;
            this.ownsSampler = own;
            this.batch = new Batch(Math.min(context.batchSize(), promptTokens.length));
            this.pieceBuffer = arena.allocate(PIECE_BUFFER_BYTES);
        } catch (RuntimeException | Error e) {
            core.endRun();
            context.guard().release(this);
            arena.close();
            throw e;
        }
    }

    private static int[] tokenizePrompt(LlamaContext context, String prompt, GenerationOptions options) {
        return context.guard().call(() -> context.model().heldVocabulary().tokenizeUtf8(
                prompt.getBytes(StandardCharsets.UTF_8), options.addSpecial(), options.parseSpecial()));
    }

    @Override
    public boolean hasNext() {
        while (nextPiece == null && stopReason == null) {
            step();
        }
        if (nextPiece == null && stopReason != null) {
            // Release what was held back for a possible stop string or split character.
            String rest = stops.stopped() ? "" : stops.feed(utf8.flush()) + stops.flush();
            if (!rest.isEmpty()) {
                emit(rest);
            }
            if (nextPiece == null) {
                release(); // finished: unlock the context even before close()
            }
        }
        return nextPiece != null;
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the generation has ended: " + stopReason);
        }
        String piece = nextPiece;
        nextPiece = null;
        return piece;
    }

    /** The remaining pieces as a sequential stream; closing it closes this. */
    public Stream<String> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::close);
    }

    /** Why generation ended; null while it runs. */
    public StopReason stopReason() {
        return stopReason;
    }

    /**
     * The result, after the last piece was read.
     *
     * @throws IllegalStateException if generation has not ended
     */
    public Completion completion() {
        if (stopReason == null || nextPiece != null) {
            throw new IllegalStateException("the generation has not ended; read every piece first");
        }
        return new Completion(text.toString(), Arrays.copyOf(generated, generatedCount), stopReason,
                new GenerationTimings(decodedPromptTokens, (promptEndNanos - promptStartNanos) / 1e6,
                        generatedCount, generatedCount == 0 ? 0 : (lastTokenNanos - promptEndNanos) / 1e6));
    }

    /** The tokens now in sequence 0 of the memory (prompt and generated tokens decoded). */
    int[] tokensInMemory() {
        int[] all = Arrays.copyOf(promptTokens, position);
        int fromGenerated = position - promptTokens.length;
        System.arraycopy(generated, 0, all, promptTokens.length, Math.max(0, fromGenerated));
        return all;
    }

    /** One step: decode the prompt, or sample a token and decode it. May set nextPiece or stopReason. */
    private void step() {
        context.guard().runAs(this, stepInsideGuard);
    }

    private void stepInsideGuard() {
        if (!promptDone) {
            decodePrompt();
            return;
        }
        if (core.consumeAbort()) {
            stopReason = StopReason.CANCELLED;
            return;
        }
        int token = sampler.sample(core, core.lastOutputIndex());
        lastTokenNanos = System.nanoTime();
        if (vocabulary.endsGeneration(token)) {
            stopReason = StopReason.EOS;
            return;
        }
        record(token);
        String piece = stops.feed(utf8.append(pieceBytes, 0, piece(token)));
        if (!piece.isEmpty()) {
            emit(piece);
        }
        if (stops.stopped()) {
            stopReason = StopReason.STOP_STRING;
            return;
        }
        if (generatedCount >= options.maxTokens()) {
            stopReason = StopReason.MAX_TOKENS;
            return;
        }
        if (position >= core.contextLength()) {
            stopReason = StopReason.CONTEXT_FULL;
            return;
        }
        batch.clear();
        batch.add(token, position, true);
        decode();
        if (stopReason == null) {
            position++;
        }
    }

    private void decodePrompt() {
        promptStartNanos = System.nanoTime();
        context.heldMemory().keepPrefix(reusedPrefix);
        position = reusedPrefix;
        while (position < promptTokens.length && stopReason == null) {
            if (core.consumeAbort()) {
                stopReason = StopReason.CANCELLED;
                break;
            }
            int chunk = Math.min(batch.capacity(), promptTokens.length - position);
            batch.clear();
            for (int i = 0; i < chunk; i++) {
                int at = position + i;
                batch.add(promptTokens[at], at, at == promptTokens.length - 1);
            }
            decode();
            if (stopReason == null) {
                position += chunk;
                decodedPromptTokens += chunk;
            }
        }
        promptDone = true;
        promptEndNanos = System.nanoTime();
        lastTokenNanos = promptEndNanos;
    }

    private void decode() {
        try {
            core.decode(batch);
        } catch (ContextFullException e) {
            stopReason = StopReason.CONTEXT_FULL;
        } catch (DecodeAbortedException e) {
            stopReason = StopReason.CANCELLED;
        }
    }

    /** Writes the token's text bytes into pieceBytes; returns their count. */
    private int piece(int token) {
        int length = vocabulary.pieceInto(token, pieceBuffer, false);
        if (length < 0) {
            // A piece longer than the buffer: rare (long user-defined tokens); not the hot path.
            byte[] big = vocabulary.pieceBytes(token, false);
            return appendLong(big);
        }
        MemorySegment.copy(pieceBuffer, ValueLayout.JAVA_BYTE, 0, pieceBytes, 0, length);
        return length;
    }

    private int appendLong(byte[] big) {
        String piece = stops.feed(utf8.append(big, 0, big.length));
        if (!piece.isEmpty()) {
            emit(piece);
        }
        return 0;
    }

    private void record(int token) {
        if (generatedCount == generated.length) {
            generated = Arrays.copyOf(generated, generated.length * 2);
        }
        generated[generatedCount++] = token;
    }

    private void emit(String piece) {
        nextPiece = nextPiece == null ? piece : nextPiece + piece;
        text.append(piece);
    }

    /** Ends the generation (if still running) and frees its resources. Idempotent. */
    @Override
    public void close() {
        if (stopReason == null) {
            stopReason = StopReason.CANCELLED;
        }
        release();
    }

    private void release() {
        if (closed) {
            return;
        }
        closed = true;
        core.endRun();
        context.guard().release(this);
        batch.close();
        arena.close();
        if (ownsSampler) {
            sampler.close();
        }
    }
}
