package io.github.panamallama.internal.lifecycle;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Enforces single-threaded use of an object whose native side is not thread-safe (a llama.cpp
 * context or sampler): a second thread entering while the first is inside gets an
 * {@link IllegalStateException} instead of a data race in C++. Not bound to one thread: an
 * object may move between threads as long as calls do not overlap.
 */
public final class ThreadGuard {
    private final String name;
    private final AtomicReference<Thread> user = new AtomicReference<>();

    public ThreadGuard(String name) {
        this.name = name;
    }

    /** Marks the calling thread as the user; pair with {@link #exit()} in a finally block. */
    public void enter() {
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

    public void exit() {
        user.set(null);
    }
}
