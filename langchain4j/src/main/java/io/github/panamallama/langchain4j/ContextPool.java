package io.github.panamallama.langchain4j;

import io.github.panamallama.ContextOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Up to {@code capacity} contexts on one model, created on first need and reused: a
 * {@link LlamaContext} is single-threaded, so each request borrows one for its whole length
 * and requests beyond the capacity wait for one to come back. Closing the pool closes the idle
 * contexts at once, aborts the busy ones (their generations end within a token) and closes
 * them when they come back.
 */
final class ContextPool implements AutoCloseable {
    private final LlamaModel model;
    private final ContextOptions options;
    private final int capacity;
    private final String owner;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition returned = lock.newCondition();
    private final Deque<LlamaContext> idle = new ArrayDeque<>();
    private final Set<LlamaContext> busy = new HashSet<>();
    private int created;
    private boolean closed;

    /** @param owner names the adapter in error messages */
    ContextPool(LlamaModel model, ContextOptions options, int capacity, String owner) {
        if (capacity < 1) {
            throw new IllegalArgumentException("maxConcurrentRequests must be >= 1: " + capacity);
        }
        this.model = model;
        this.options = options;
        this.capacity = capacity;
        this.owner = owner;
    }

    /** Runs {@code work} on a context of its own; waits while all contexts are busy. */
    <T> T withContext(Function<LlamaContext, T> work) {
        LlamaContext context = acquire();
        try {
            return work.apply(context);
        } finally {
            release(context);
        }
    }

    private LlamaContext acquire() {
        lock.lock();
        try {
            while (!closed && idle.isEmpty() && created == capacity) {
                try {
                    returned.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a free context of " + owner, e);
                }
            }
            requireOpen();
            LlamaContext context = idle.pollFirst();
            if (context == null) {
                created++; // reserve the slot; the (slow) creation runs outside the lock
            } else {
                busy.add(context);
                return context;
            }
        } finally {
            lock.unlock();
        }
        LlamaContext context;
        try {
            context = model.newContext(options);
        } catch (RuntimeException | Error e) {
            lock.lock();
            try {
                created--;
                returned.signal();
            } finally {
                lock.unlock();
            }
            throw e;
        }
        lock.lock();
        try {
            if (closed) {
                created--;
                context.close();
                requireOpen();
            }
            busy.add(context);
            return context;
        } finally {
            lock.unlock();
        }
    }

    private void release(LlamaContext context) {
        lock.lock();
        try {
            busy.remove(context);
            if (closed) {
                context.close();
            } else {
                idle.addFirst(context); // the most recently used first: its memory pages are warm
                returned.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(owner + " is closed");
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** How many contexts exist now (idle and busy). */
    int size() {
        lock.lock();
        try {
            return idle.size() + busy.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (LlamaContext context : idle) {
                context.close();
            }
            idle.clear();
            for (LlamaContext context : busy) {
                context.abort(); // any thread may abort; the borrower closes it on release
            }
            returned.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
