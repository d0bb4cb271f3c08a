package io.github.panamallama.internal.lifecycle;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Enforces single-threaded use of an object whose native side is not thread-safe (a llama.cpp
 * context or sampler): a second thread entering while the first is inside gets an
 * {@link IllegalStateException} instead of a data race in C++. Not bound to one thread: an
 * object may move between threads as long as calls do not overlap.
 *
 * <p>The one place the rules of entry live: the object must be open (its {@link Lifetime}) and
 * not held by another party (a context is held by its open generation, which alone may enter
 * until it lets go). Public methods run their body with {@link #call} or {@link #run}; the
 * code they reach assumes the guard is held and never enters again.
 */
public final class ThreadGuard {
    private final String name;
    private final Lifetime lifetime;
    private final AtomicReference<Thread> user = new AtomicReference<>();
    /** The party holding the object between calls (written inside the guard). */
    private Object holder;

    /** A guard for an object with no lifetime of its own to check. */
    public ThreadGuard(String name) {
        this(name, null);
    }

    /**
     * @param name what the object is called in messages, e.g. {@code "LlamaContext"}
     * @param lifetime checked on every entry (null: none)
     */
    public ThreadGuard(String name, Lifetime lifetime) {
        this.name = name;
        this.lifetime = lifetime;
    }

    /** Runs {@code action} inside the guard. */
    public <T> T call(Supplier<T> action) {
        enter();
        try {
            return action.get();
        } finally {
            exit();
        }
    }

    /** {@link #call} for an int result, without boxing. */
    public int callInt(IntSupplier action) {
        enter();
        try {
            return action.getAsInt();
        } finally {
            exit();
        }
    }

    public void run(Runnable action) {
        enter();
        try {
            action.run();
        } finally {
            exit();
        }
    }

    /**
     * Runs {@code action} inside the guard on behalf of the party holding the object: the one
     * caller allowed while it holds it. Allocates nothing, for per-token loops.
     */
    public void runAs(Object holder, Runnable action) {
        acquire();
        try {
            checkOpen();
            if (this.holder != holder) {
                throw new IllegalStateException("this " + holder.getClass().getSimpleName() + " is closed");
            }
            action.run();
        } finally {
            exit();
        }
    }

    /** Gives the object to {@code holder}: until {@link #release} every other entry is refused. */
    public void hold(Object holder) {
        enter();
        try {
            this.holder = holder;
        } finally {
            exit();
        }
    }

    /** Takes the object back from {@code holder}, even if it was closed meanwhile; idempotent. */
    public void release(Object holder) {
        runExclusive(() -> {
            if (this.holder == holder) {
                this.holder = null;
            }
        });
    }

    /** Runs {@code action} with the thread check only (close, which may run after closing). */
    public void runExclusive(Runnable action) {
        acquire();
        try {
            action.run();
        } finally {
            exit();
        }
    }

    /**
     * Marks the calling thread as the user, refusing a closed or held object; pair with
     * {@link #exit()} in a finally block (only where {@link #call} would allocate per token).
     */
    public void enter() {
        acquire();
        try {
            checkOpen();
            if (holder != null) {
                throw new IllegalStateException("a " + holder.getClass().getSimpleName() + " is open on this " + name
                        + "; close it first");
            }
        } catch (RuntimeException e) {
            exit();
            throw e;
        }
    }

    public void exit() {
        user.set(null);
    }

    private void checkOpen() {
        if (lifetime != null && lifetime.isClosed()) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    private void acquire() {
        Thread current = Thread.currentThread();
        if (!user.compareAndSet(null, current)) {
            Thread other = user.get();
            if (other == current) {
                throw new IllegalStateException(name + " was called again from inside one of its own"
                        + " operations (for example from a streaming callback) on thread "
                        + current.getName());
            }
            throw new IllegalStateException(name + " is in use by thread "
                    + (other == null ? "another thread" : other.getName())
                    + "; it is not thread-safe: use one per thread or synchronise its callers");
        }
    }
}
