package io.github.panamallama.examples.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounded admission: at most {@code slots} requests run at once and at most {@code queue} more
 * wait for a slot. {@link #admit()} never blocks, so a request beyond that is refused at once
 * with 429; during shutdown every new request gets 503. A waiting request gives up its place
 * as soon as it is cancelled (its client left, its time ran out).
 */
final class Admission {
    /** How often a waiting request looks at its cancellation. */
    private static final long WAIT_STEP_MILLIS = 20;

    private final int slots;
    private final int queue;
    private final int capacity;
    private final Semaphore admitted;
    private final Semaphore running;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Set<Cancellation> admittedWork = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    Admission(int slots, int queue) {
        if (slots < 1 || queue < 0) {
            throw new IllegalArgumentException("slots must be >= 1 and queue >= 0, got " + slots + " and " + queue);
        }
        this.slots = slots;
        this.queue = queue;
        this.capacity = slots + queue;
        this.admitted = new Semaphore(capacity);
        this.running = new Semaphore(slots, true);
    }

    /** A place in the server: first in the queue, then (after {@link #awaitSlot}) in a slot. Closing it leaves. */
    final class Ticket implements AutoCloseable {
        private final Cancellation cancellation;
        private boolean inSlot;
        private boolean closed;

        private Ticket(Cancellation cancellation) {
            this.cancellation = cancellation;
            admittedWork.add(cancellation);
        }

        /**
         * Waits for a generation slot.
         *
         * @throws ApiException 503 if the time ran out or the server stops while waiting
         * @throws ClientGoneException if the client left while waiting
         */
        void awaitSlot(Cancellation cancellation, long limitMillis) {
            waiting.incrementAndGet();
            try {
                while (!running.tryAcquire(WAIT_STEP_MILLIS, TimeUnit.MILLISECONDS)) {
                    Cancellation.Reason reason = cancellation.reason();
                    if (reason != null) {
                        throw switch (reason) {
                            case CLIENT_GONE -> new ClientGoneException();
                            case TIMED_OUT -> ApiException.timedOutWaiting(limitMillis);
                            case SHUTDOWN -> ApiException.shuttingDown();
                        };
                    }
                }
                inSlot = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiException.shuttingDown();
            } finally {
                waiting.decrementAndGet();
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            admittedWork.remove(cancellation);
            if (inSlot) {
                running.release();
            }
            admitted.release();
        }
    }

    /**
     * A ticket for the request that {@code cancellation} stops, or at once 429 (queue full) /
     * 503 (shutting down).
     */
    Ticket admit(Cancellation cancellation) {
        if (closing) {
            throw ApiException.shuttingDown();
        }
        if (!admitted.tryAcquire()) {
            throw ApiException.overloaded(queue);
        }
        return new Ticket(cancellation);
    }

    int slots() {
        return slots;
    }

    /** Requests generating now. */
    int busySlots() {
        return slots - running.availablePermits();
    }

    /** Requests waiting for a slot now. */
    int queued() {
        return waiting.get();
    }

    boolean isClosing() {
        return closing;
    }

    /** Cancels every admitted request, waiting or running, for {@code reason}. */
    void cancelAll(Cancellation.Reason reason) {
        admittedWork.forEach(work -> work.cancel(reason));
    }

    /** Stops admitting and waits up to {@code timeoutMillis} for admitted requests to finish. */
    boolean drain(long timeoutMillis) throws InterruptedException {
        closing = true;
        if (admitted.tryAcquire(capacity, timeoutMillis, TimeUnit.MILLISECONDS)) {
            admitted.release(capacity);
            return true;
        }
        return false;
    }
}
