package io.github.panamallama;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A request submitted to a {@link ParallelGenerator}, seen from the thread that submitted it:
 * iterate it for the pieces of text as they are generated (each call waits for the next), or
 * wait for the whole {@link #result()}. Pieces never split a UTF-8 character and never contain
 * (part of) a stop string. {@link #cancel()} may be called from any thread; the request then
 * ends within one step with {@link StopReason#CANCELLED}. Closing the handle cancels it if it is
 * still running (use try-with-resources to stop early).
 *
 * <p>Thread-safe except the iteration itself, which belongs to one consumer at a time. Pieces
 * are buffered: a consumer that reads slowly, or not at all, never holds up the generation.
 */
public final class GenerationHandle implements Iterator<String>, AutoCloseable {
    /** Marks the end of the pieces in the queue. */
    private static final Object END = new Object();

    private final BlockingQueue<Object> pieces = new LinkedBlockingQueue<>();
    private final CompletableFuture<GenerationResult> result = new CompletableFuture<>();
    private volatile boolean cancelRequested;
    /** Consumer side: a piece taken from the queue but not yet returned by next(). */
    private String lookahead;
    private boolean ended;

    GenerationHandle() {}

    /**
     * Waits for the next piece or the end.
     *
     * @throws LlamaException if the generation failed (the cause is the native failure)
     * @throws IllegalStateException if the thread is interrupted while waiting (the request is
     *     then cancelled and the interrupt flag set again), or the generator's context was
     *     closed under it
     */
    @Override
    public boolean hasNext() {
        if (lookahead == null && !ended) {
            Object item;
            try {
                item = pieces.take();
            } catch (InterruptedException e) {
                cancel();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the next piece; the request is cancelled", e);
            }
            if (item == END) {
                ended = true;
                if (result.isCompletedExceptionally()) {
                    join(); // throws the failure
                }
            } else {
                lookahead = (String) item;
            }
        }
        return lookahead != null;
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the generation has ended");
        }
        String piece = lookahead;
        lookahead = null;
        return piece;
    }

    /** The remaining pieces as a sequential stream; closing it closes this handle. */
    public Stream<String> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::close);
    }

    /**
     * The outcome, completed when the request ends (also when it is cancelled: then with
     * {@link StopReason#CANCELLED}); completed exceptionally only if generation failed.
     * Each call returns a new copy, so completing or cancelling it does nothing to the request:
     * use {@link #cancel()}.
     */
    public CompletableFuture<GenerationResult> result() {
        return result.copy();
    }

    /**
     * Waits for the outcome.
     *
     * @throws LlamaException if the generation failed
     * @throws IllegalStateException if the generator's context was closed under it
     */
    public GenerationResult join() {
        try {
            return result.join();
        } catch (CompletionException e) {
            throw rethrown(e.getCause());
        }
    }

    /** Asks the request to end: it ends with {@link StopReason#CANCELLED} within one step. Any thread; idempotent. */
    public void cancel() {
        cancelRequested = true;
    }

    /** Whether the request has ended (its result is available). */
    public boolean isDone() {
        return result.isDone();
    }

    /** Cancels the request if it is still running. */
    @Override
    public void close() {
        if (!result.isDone()) {
            cancel();
        }
    }

    // ---- the generator's side ----

    boolean cancelRequested() {
        return cancelRequested;
    }

    void publish(String piece) {
        pieces.add(piece);
    }

    /** Called after the last {@link #publish}; the result is set before the end marker, for hasNext's check. */
    void complete(GenerationResult outcome) {
        result.complete(outcome);
        pieces.add(END);
    }

    void fail(Throwable failure) {
        result.completeExceptionally(failure);
        pieces.add(END);
    }

    /** A failure from the generator's thread, thrown again on the caller's with its own stack. */
    private static RuntimeException rethrown(Throwable cause) {
        String message = "the generation failed: " + cause.getMessage();
        return cause instanceof IllegalStateException
                ? new IllegalStateException(message, cause)
                : new LlamaException(message, cause);
    }
}
