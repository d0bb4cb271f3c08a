package io.github.panamallama;

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
 * returned text. What a token does to the text (end of generation, stop strings, the token
 * budget) is decided by {@link GeneratedText}, shared with {@link ParallelGenerator}.
 */
public final class CompletionStream implements Iterator<String>, AutoCloseable {
    private final LlamaContext context;
    /** The context's operations; this stream holds its guard while they run. */
    private final ContextCore core;
    private final Sampler sampler;
    private final boolean ownsSampler;
    private final int[] promptTokens;
    private final int reusedPrefix;
    private final Batch batch;
    private final TokenPieces pieces;
    private final GeneratedText output;
    /** One step, created once: the guard runs it per token without allocating. */
    private final Runnable stepInsideGuard = this::stepInsideGuard;
    private int position;
    private boolean promptDone;
    private StopReason stopReason;
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
        this.promptTokens = promptTokens.clone();
        this.reusedPrefix = reusedPrefix;
        this.output = new GeneratedText(context.model().heldVocabulary(), options);
        if (promptTokens.length == 0) {
            throw new IllegalArgumentException("the prompt gives no tokens");
        }
        if (reusedPrefix < 0 || reusedPrefix >= promptTokens.length) {
            throw new IllegalArgumentException("reused prefix " + reusedPrefix + " must leave at least one of "
                    + promptTokens.length + " prompt tokens to decode");
        }
        // The stream runs in sequence 0, which may hold less than the whole context: its share of
        // it when the context has several sequences without unified memory.
        int room = core.sequenceContextLength();
        if (promptTokens.length >= room) {
            throw new IllegalArgumentException("the prompt is " + promptTokens.length + " tokens; "
                    + (room == core.contextLength() ? "the context holds " + room
                            : "one sequence of the context holds " + room + " (its " + core.contextLength()
                                    + " tokens are split among " + core.sequences() + " sequences)"));
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
        Batch createdBatch = null;
        TokenPieces createdPieces = null;
        try {
            createdBatch = new Batch(Math.min(context.batchSize(), promptTokens.length));
            createdPieces = new TokenPieces(context.model().heldVocabulary());
            this.sampler = own ? Sampler.greedyFor(context) : chosen;
        } catch (RuntimeException | Error e) {
            core.endRun();
            context.guard().release(this);
            if (createdBatch != null) {
                createdBatch.close();
            }
            if (createdPieces != null) {
                createdPieces.close();
            }
            throw e;
        }
        this.ownsSampler = own;
        this.batch = createdBatch;
        this.pieces = createdPieces;
    }

    private static int[] tokenizePrompt(LlamaContext context, String prompt, GenerationOptions options) {
        return context.guard().call(() -> context.model().heldVocabulary().tokenizeUtf8(
                prompt.getBytes(StandardCharsets.UTF_8), options.addSpecial(), options.parseSpecial()));
    }

    @Override
    public boolean hasNext() {
        while (!output.hasPiece() && stopReason == null) {
            step();
        }
        if (!output.hasPiece() && stopReason != null) {
            output.finish(); // what was held back for a possible stop string or split character
            if (!output.hasPiece()) {
                release(); // finished: unlock the context even before close()
            }
        }
        return output.hasPiece();
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the generation has ended: " + stopReason);
        }
        return output.takePiece();
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
        if (stopReason == null || output.hasPiece()) {
            throw new IllegalStateException("the generation has not ended; read every piece first");
        }
        int generatedCount = output.count();
        return output.completion(stopReason,
                new GenerationTimings(decodedPromptTokens, (promptEndNanos - promptStartNanos) / 1e6,
                        generatedCount, generatedCount == 0 ? 0 : (lastTokenNanos - promptEndNanos) / 1e6));
    }

    /** The tokens now in sequence 0 of the memory (prompt and generated tokens decoded). */
    int[] tokensInMemory() {
        int[] all = Arrays.copyOf(promptTokens, position);
        int fromGenerated = position - promptTokens.length;
        System.arraycopy(output.tokens(), 0, all, promptTokens.length, Math.max(0, fromGenerated));
        return all;
    }

    /** One step: decode the prompt, or sample a token and decode it. May produce a piece or set stopReason. */
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
        stopReason = output.accept(token, pieces);
        if (stopReason != null) {
            return;
        }
        if (position >= core.sequenceContextLength()) {
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
        pieces.close();
        if (ownsSampler) {
            sampler.close();
        }
    }
}
