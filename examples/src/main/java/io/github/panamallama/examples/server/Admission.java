package io.github.panamallama.examples.server;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounded admission: at most {@code slots} requests run at once (one context each) and at
 * most {@code queue} more wait for a slot. A request beyond that is refused at once with 429
 * rather than piling up; during shutdown every new request gets 503.
 */
final class Admission {
    private final int queue;
    private final Semaphore admitted;
    private final Semaphore running;
    private final int capacity;
    private volatile boolean closing;

    Admission(int slots, int queue) {
        if (slots < 1 || queue < 0) {
            throw new IllegalArgumentException("slots must be >= 1 and queue >= 0, got " + slots + " and " + queue);
        }
        this.queue = queue;
        this.capacity = slots + queue;
        this.admitted = new Semaphore(capacity);
        this.running = new Semaphore(slots, true);
    }

    /** A running permit; closing it frees the slot. */
    interface Ticket extends AutoCloseable {
        @Override
        void close();
    }

    Ticket enter() {
        if (closing) {
            throw ApiException.shuttingDown();
        }
        if (!admitted.tryAcquire()) {
            throw ApiException.overloaded(queue);
        }
        try {
            running.acquire();
        } catch (InterruptedException e) {
            admitted.release();
            Thread.currentThread().interrupt();
            throw ApiException.shuttingDown();
        }
        return () -> {
            running.release();
            admitted.release();
        };
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
