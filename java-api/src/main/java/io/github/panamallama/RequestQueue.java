package io.github.panamallama;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * The requests submitted to a {@link ParallelGenerator} and not yet running, in order, bounded;
 * and the generator's open/closed state. Thread-safe: submitters add, the driver thread takes.
 */
final class RequestQueue {
    private final int maxWaiting;
    private final IntSupplier freeSequences;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<ParallelRequest> waiting = new ArrayDeque<>();
    private boolean closed;
    private String closedReason = "ParallelGenerator is closed";

    /**
     * @param maxWaiting most requests that may wait with no sequence free for them
     * @param freeSequences how many sequences are idle now: that many more may be queued, as
     *     the driver thread starts them at its next step
     */
    RequestQueue(int maxWaiting, IntSupplier freeSequences) {
        this.maxWaiting = maxWaiting;
        this.freeSequences = freeSequences;
    }

    /**
     * @throws IllegalStateException if the generator is closed
     * @throws RejectedExecutionException if {@code maxWaiting} requests wait already for a sequence
     */
    void add(ParallelRequest request) {
        lock.lock();
        try {
            requireOpen();
            int free = Math.max(0, freeSequences.getAsInt());
            if (waiting.size() >= maxWaiting + free) {
                throw new RejectedExecutionException("ParallelGenerator has " + Math.max(0, waiting.size() - free)
                        + " requests waiting for a free sequence, its limit (ParallelOptions.maxQueued); try again later");
            }
            waiting.addLast(request);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void requireOpen() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException(closedReason);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The oldest waiting request, or null. */
    ParallelRequest poll() {
        lock.lock();
        try {
            return waiting.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Takes out the waiting requests whose submitters cancelled them; usually none (then no allocation). */
    List<ParallelRequest> removeCancelled() {
        lock.lock();
        try {
            List<ParallelRequest> cancelled = null;
            for (var it = waiting.iterator(); it.hasNext(); ) {
                ParallelRequest request = it.next();
                if (request.handle().cancelRequested()) {
                    it.remove();
                    if (cancelled == null) {
                        cancelled = new ArrayList<>();
                    }
                    cancelled.add(request);
                }
            }
            return cancelled == null ? List.of() : cancelled;
        } finally {
            lock.unlock();
        }
    }

    /** Takes out every waiting request (at shutdown). */
    List<ParallelRequest> drain() {
        lock.lock();
        try {
            List<ParallelRequest> all = new ArrayList<>(waiting);
            waiting.clear();
            return all;
        } finally {
            lock.unlock();
        }
    }

    /**
     * For the driver: returns at once while it has running requests ({@code busy}), else waits
     * for a submission or the close.
     *
     * @return false once closed
     */
    boolean awaitWork(boolean busy) throws InterruptedException {
        lock.lock();
        try {
            while (!busy && !closed && waiting.isEmpty()) {
                changed.await();
            }
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refuses further submissions and wakes the driver; idempotent.
     *
     * @param reason what later submissions are told, or null for "closed"
     * @return whether this call closed it
     */
    boolean close(String reason) {
        lock.lock();
        try {
            boolean wasOpen = !closed;
            if (wasOpen && reason != null) {
                closedReason = reason;
            }
            closed = true;
            changed.signalAll();
            return wasOpen;
        } finally {
            lock.unlock();
        }
    }
}
