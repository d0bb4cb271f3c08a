package io.github.panamallama;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Up to {@code capacity} contexts on one model, created on first need and reused, for serving
 * concurrent requests: a {@link LlamaContext} is used by one thread at a time, so each request
 * borrows one for its whole length and requests beyond the capacity wait for one to come back.
 * Thread-safe. Closing the pool closes the idle contexts at once, aborts the busy ones (a
 * generation running on one ends within a token with {@link StopReason#CANCELLED}; see
 * {@link LlamaContext#abort()}) and closes them when they come back; the model stays open (its
 * owner closes it).
 */
public final class ContextPool implements AutoCloseable {
    private final LlamaModel model;
    private final ContextOptions options;
    private final int capacity;
    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition returned = lock.newCondition();
    private final Deque<LlamaContext> idle = new ArrayDeque<>();
    private final Set<LlamaContext> busy = new HashSet<>();
    private int created;
    private boolean closed;

    /** A pool named "ContextPool" in its error messages. */
    public ContextPool(LlamaModel model, ContextOptions options, int capacity) {
        this(model, options, capacity, "ContextPool");
    }

    /**
     * @param name names the pool (or the component that owns it) in error messages
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public ContextPool(LlamaModel model, ContextOptions options, int capacity, String name) {
        if (capacity < 1) {
            throw new IllegalArgumentException(name + ": capacity must be >= 1: " + capacity);
        }
        this.model = Objects.requireNonNull(model, "model");
        this.options = Objects.requireNonNull(options, "options");
        this.capacity = capacity;
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Runs {@code work} on a context of its own, waiting while all are busy, and takes the
     * context back afterwards, also when {@code work} throws.
     *
     * @throws IllegalStateException if the pool is or gets closed, or the thread is interrupted
     *     while waiting (its interrupt flag is then set again)
     */
    public <T> T withContext(Function<LlamaContext, T> work) {
        LlamaContext context;
        try {
            context = acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a free context of " + name, e);
        }
        try {
            return work.apply(context);
        } finally {
            release(context);
        }
    }

    /**
     * Borrows a context, waiting as long as it takes; give it back with {@link #release}.
     *
     * @throws IllegalStateException if the pool is or gets closed
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public LlamaContext acquire() throws InterruptedException {
        return tryAcquire(null).orElseThrow();
    }

    /**
     * Borrows a context, waiting at most {@code timeout} for one to come back.
     *
     * @return the context, or empty if none came free in time
     * @throws IllegalStateException if the pool is or gets closed
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public Optional<LlamaContext> tryAcquire(Duration timeout) throws InterruptedException {
        long nanos = timeout == null ? Long.MAX_VALUE : timeout.toNanos();
        lock.lock();
        try {
            while (!closed && idle.isEmpty() && created == capacity) {
                if (timeout == null) {
                    returned.await();
                } else if (nanos <= 0) {
                    return Optional.empty();
                } else {
                    nanos = returned.awaitNanos(nanos);
                }
            }
            requireOpen();
            LlamaContext context = idle.pollFirst();
            if (context != null) {
                busy.add(context);
                return Optional.of(context);
            }
            created++; // reserve the slot; the (slow) creation runs outside the lock
        } finally {
            lock.unlock();
        }
        return Optional.of(createReserved());
    }

    private LlamaContext createReserved() {
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

    /**
     * Gives back a context from {@link #acquire} or {@link #tryAcquire}. After {@link #close}
     * it is closed instead.
     *
     * @throws IllegalArgumentException if this pool did not lend it, or it was already given back
     */
    public void release(LlamaContext context) {
        lock.lock();
        try {
            if (!busy.remove(context)) {
                throw new IllegalArgumentException(name + " did not lend this context, or it was already released");
            }
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

    /**
     * Creates the contexts not yet created, so that a memory shortage or a bad option shows now
     * rather than on a later request, and every request starts at once.
     */
    public void fill() {
        Deque<LlamaContext> taken = new ArrayDeque<>();
        try {
            for (int i = 0; i < capacity; i++) {
                Optional<LlamaContext> context = tryAcquire(Duration.ZERO);
                if (context.isEmpty()) {
                    break; // the rest are lent out, so they exist
                }
                taken.add(context.get());
            }
        } catch (InterruptedException e) {
            throw new AssertionError("a zero wait does not block", e);
        } finally {
            taken.forEach(this::release);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    /** The most contexts this pool creates. */
    public int capacity() {
        return capacity;
    }

    /** How many contexts exist now (idle and busy). */
    public int size() {
        lock.lock();
        try {
            return idle.size() + busy.size();
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
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
