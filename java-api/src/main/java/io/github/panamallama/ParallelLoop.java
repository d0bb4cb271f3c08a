package io.github.panamallama;

import io.github.panamallama.internal.lifecycle.ThreadGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The driver thread of a {@link ParallelGenerator}: the one thread that uses its context. Each
 * step starts waiting requests on idle sequences (reusing their cached prefix), puts the next
 * token of every running request and a bounded chunk of the joining prompts in one batch,
 * decodes it, and samples each sequence that has logits with that request's sampler.
 */
final class ParallelLoop implements Runnable {
    private final Object holder;
    private final LlamaContext context;
    private final ThreadGuard guard;
    private final ContextCore core;
    private final ContextMemory memory;
    private final Vocabulary vocabulary;
    private final RequestQueue queue;
    private final List<SequenceSlot> slots = new ArrayList<>();
    /** Running requests, in the order they started. */
    private final List<SequenceRun> runs = new ArrayList<>();
    /** Requests on a sequence, for the generator's running() and the queue's bound; changed only here. */
    private final AtomicInteger running;
    private final Batch batch;
    private final TokenPieces pieces;
    private final StepListener listener;
    private final int promptTokensPerStep;
    private final boolean promptCache;
    /** One step, created once: the guard runs it per step without allocating. */
    private final Runnable stepInsideGuard = this::step;
    /** Orders close()'s abort request against this thread's exit (see {@link #interrupt()}). */
    private final Object exitLock = new Object();
    private boolean exited;
    private long tick;

    /** What one decoded step held for one sequence: its next token, or a chunk of its prompt. */
    record Share(int sequence, int tokens, boolean prompt) {}

    /** Sees the composition of each decoded batch: how the tests watch the scheduling. */
    @FunctionalInterface
    interface StepListener {
        void decoded(List<Share> shares);
    }

    /**
     * @param holder the generator, which holds the context's guard for this loop
     * @param listener told about each decoded batch, or null
     */
    ParallelLoop(Object holder, LlamaContext context, RequestQueue queue, AtomicInteger running, int sequences,
            int promptTokensPerStep, boolean promptCache, StepListener listener) {
        this.holder = holder;
        this.listener = listener;
        this.running = running;
        this.context = context;
        this.guard = context.guard();
        this.core = context.core();
        this.memory = context.heldMemory();
        this.vocabulary = context.model().heldVocabulary();
        this.queue = queue;
        this.promptTokensPerStep = promptTokensPerStep;
        this.promptCache = promptCache;
        for (int id = 0; id < sequences; id++) {
            slots.add(new SequenceSlot(id));
        }
        this.batch = new Batch(core.batchSize());
        try {
            this.pieces = new TokenPieces(vocabulary);
        } catch (RuntimeException | Error e) {
            batch.close();
            throw e;
        }
    }

    @Override
    public void run() {
        Throwable failure = null;
        try {
            // The memory may hold anything from before: start from empty sequences.
            guard.runAs(holder, () -> memory.keepPrefix(0));
            while (queue.awaitWork(!runs.isEmpty())) {
                guard.runAs(holder, stepInsideGuard);
            }
        } catch (InterruptedException e) {
            failure = new IllegalStateException("the ParallelGenerator's thread was interrupted", e);
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            shutDown(failure);
        }
    }

    /** Cuts a decode in progress short (for close), unless this thread has already left the context. */
    void abortDecode() {
        synchronized (exitLock) {
            if (!exited) {
                core.requestAbort();
            }
        }
    }

    private void step() {
        endCancelled();
        startWaiting();
        if (runs.isEmpty()) {
            return;
        }
        if (decodeStep()) {
            if (listener != null) {
                report();
            }
            long now = System.nanoTime();
            for (SequenceRun run : runs) {
                if (run.batchTokens() > 0) {
                    run.decoded(now);
                    if (run.outputIndex() >= 0) {
                        sampleNext(run, now);
                    }
                }
            }
            runs.removeIf(SequenceRun::ended);
        }
    }

    private void report() {
        List<Share> shares = new ArrayList<>();
        for (SequenceRun run : runs) {
            if (run.batchTokens() > 0) {
                shares.add(new Share(run.slot().id(), run.batchTokens(), run.pendingToken() < 0));
            }
        }
        listener.decoded(List.copyOf(shares));
    }

    private void endCancelled() {
        for (ParallelRequest request : queue.removeCancelled()) {
            request.endUnstarted(StopReason.CANCELLED);
        }
        for (SequenceRun run : runs) {
            if (run.request().handle().cancelRequested()) {
                end(run, StopReason.CANCELLED);
            }
        }
        runs.removeIf(SequenceRun::ended);
    }

    private void startWaiting() {
        while (runs.size() < slots.size()) {
            ParallelRequest request = queue.poll();
            if (request == null) {
                return;
            }
            if (request.handle().cancelRequested()) {
                request.endUnstarted(StopReason.CANCELLED);
                continue;
            }
            PromptCache.Choice choice = PromptCache.choose(slots, request.prompt(), promptCache);
            SequenceSlot slot = choice.slot();
            int reused = choice.reusable();
            if (!memory.keepSequencePrefix(slot.id(), reused)) {
                memory.keepSequencePrefix(slot.id(), 0); // this memory cannot cut there: start afresh
                reused = 0;
            }
            slot.truncate(reused);
            SequenceRun run = new SequenceRun(request, slot, reused, new GeneratedText(vocabulary, request.options()));
            slot.start(run);
            runs.add(run);
            running.incrementAndGet();
        }
    }

    /**
     * Fills the batch and decodes it, making room when memory is full: first by dropping
     * cached prompts, then by ending the request that holds the most memory.
     *
     * @return false if nothing was left to decode
     */
    private boolean decodeStep() {
        while (true) {
            fillBatch();
            if (batch.isEmpty()) {
                return false;
            }
            try {
                core.decode(batch);
                return true;
            } catch (ContextFullException e) {
                makeRoom();
            } catch (DecodeAbortedException e) {
                // LlamaContext.abort() or close(): what was decoded of this batch is uncertain.
                for (SequenceRun run : runs) {
                    forgetUndecided(run.slot());
                    end(run, StopReason.CANCELLED);
                }
                runs.removeIf(SequenceRun::ended);
                return false;
            } catch (DecodeException e) {
                // A failed computation ends the requests of this batch; the generator goes on.
                for (SequenceRun run : runs) {
                    endFailed(run, e);
                }
                runs.removeIf(SequenceRun::ended);
                return false;
            }
        }
    }

    private void fillBatch() {
        batch.clear();
        for (SequenceRun run : runs) {
            run.planned(0, -1);
            if (run.pendingToken() >= 0) {
                int index = batch.size();
                batch.add(run.pendingToken(), run.slot().length(), true, run.slot().id());
                run.planned(1, index);
            }
        }
        int budget = Math.min(promptTokensPerStep, batch.capacity() - batch.size());
        int prompting = 0;
        for (SequenceRun run : runs) {
            if (run.pendingToken() < 0 && run.promptRemaining() > 0) {
                prompting++;
            }
        }
        for (SequenceRun run : runs) {
            if (budget == 0) {
                break;
            }
            if (run.pendingToken() >= 0 || run.promptRemaining() == 0) {
                continue;
            }
            // An even share of what is left, so a short prompt is not kept waiting behind a
            // long one; what a short prompt does not need goes to the prompts after it.
            int share = (budget + prompting - 1) / prompting;
            prompting--;
            int chunk = Math.min(share, run.promptRemaining());
            addPromptChunk(run, chunk);
            budget -= chunk;
        }
    }

    private void addPromptChunk(SequenceRun run, int chunk) {
        int[] prompt = run.prompt();
        int logitsIndex = -1;
        for (int i = 0; i < chunk; i++) {
            int position = run.promptNext() + i;
            boolean last = position == prompt.length - 1;
            if (last) {
                logitsIndex = batch.size();
            }
            batch.add(prompt[position], position, last, run.slot().id());
        }
        run.planned(chunk, logitsIndex);
    }

    private void makeRoom() {
        SequenceSlot cached = PromptCache.evictable(slots);
        if (cached != null) {
            memory.keepSequencePrefix(cached.id(), 0);
            cached.truncate(0);
            return;
        }
        SequenceRun largest = runs.getFirst();
        for (SequenceRun run : runs) {
            if (run.slot().length() > largest.slot().length()) {
                largest = run;
            }
        }
        end(largest, StopReason.CONTEXT_FULL);
        runs.remove(largest);
    }

    private void sampleNext(SequenceRun run, long now) {
        int token;
        try {
            token = run.request().sampler().sample(core, run.outputIndex());
        } catch (RuntimeException e) {
            // This request's sampler failed (e.g. built for another model): only it ends.
            endFailed(run, e);
            return;
        }
        run.sampled(now);
        StopReason reason = run.output().accept(token, pieces);
        publish(run);
        if (reason == null && run.slot().length() >= core.sequenceContextLength()) {
            reason = StopReason.CONTEXT_FULL;
        }
        if (reason != null) {
            end(run, reason);
        } else {
            run.setPendingToken(token);
        }
    }

    private void publish(SequenceRun run) {
        if (run.output().hasPiece()) {
            run.request().handle().publish(run.output().takePiece());
        }
    }

    /** Ends a run; its sequence becomes idle, its memory stays as the cached prompt. */
    private void end(SequenceRun run, StopReason reason) {
        GenerationResult result = run.end(reason, System.nanoTime());
        publish(run);
        run.slot().end(++tick);
        running.decrementAndGet();
        run.request().releaseSampler();
        // Last: a submitter woken by this finds the sequence idle and its prompt cached.
        run.request().handle().complete(result);
    }

    private void endFailed(SequenceRun run, Throwable failure) {
        run.end(StopReason.CANCELLED, System.nanoTime());
        forgetUndecided(run.slot());
        run.slot().end(++tick);
        running.decrementAndGet();
        run.request().fail(failure);
    }

    /** Drops whatever the memory holds beyond what this slot recorded as decoded. */
    private void forgetUndecided(SequenceSlot slot) {
        if (!memory.keepSequencePrefix(slot.id(), slot.length())) {
            memory.keepSequencePrefix(slot.id(), 0);
            slot.truncate(0);
        }
    }

    /** Clears the memory for whoever uses the context next; nothing to do if it was closed under us. */
    private void leaveMemoryEmpty() {
        if (context.isClosed()) {
            return;
        }
        try {
            guard.runAs(holder, () -> memory.keepPrefix(0));
        } catch (IllegalStateException closedMeanwhile) {
            // closed between the check and the call: there is no memory left to clear
        }
    }

    /** Ends everything still running or waiting, leaves the context empty and lets go of it. */
    private void shutDown(Throwable failure) {
        synchronized (exitLock) {
            exited = true;
        }
        queue.close(failure == null ? null : "ParallelGenerator stopped after a failure: " + failure);
        try {
            for (SequenceRun run : runs) {
                if (failure == null) {
                    end(run, StopReason.CANCELLED);
                } else {
                    run.end(StopReason.CANCELLED, System.nanoTime());
                    running.decrementAndGet();
                    run.request().fail(failure);
                }
            }
            runs.clear();
            for (ParallelRequest request : queue.drain()) {
                if (failure == null) {
                    request.endUnstarted(StopReason.CANCELLED);
                } else {
                    request.fail(failure);
                }
            }
            core.consumeAbort(); // close()'s request, if this loop ended before a decode took it
            leaveMemoryEmpty();
        } finally {
            guard.release(holder);
            batch.close();
            pieces.close();
        }
    }
}
