package io.github.panamallama.internal.lifecycle;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The lifetime of one native object: a shared arena that owns its handle (the free function is
 * attached to the handle with {@code reinterpret(arena, free)}), a hold count, and the parents
 * it keeps alive.
 *
 * <p>The owner holds one hold and drops it on {@link #close()}; children (a context of a model)
 * and in-flight calls take their own holds. The arena closes, freeing the native object, when
 * the last hold is dropped; only then are the parents released. So closing a model while a
 * context is alive defers the free until the context closes, and a native call never runs on
 * freed memory.
 *
 * <p>Doubles as the {@link java.lang.ref.Cleaner} action: it references the arena and parents,
 * never the Java object that owns it, so the owner can become unreachable.
 */
public final class Lifetime implements Runnable {
    private final String name;
    private final Arena arena = Arena.ofShared();
    private final AtomicInteger holds = new AtomicInteger(1);
    private final AtomicBoolean ownerClosed = new AtomicBoolean();
    private final List<Lifetime> parents;

    /**
     * @param name what the owner is called in messages, e.g. {@code "LlamaModel"}
     * @param parents lifetimes this one already holds (one hold each) and releases when freed
     */
    public Lifetime(String name, List<Lifetime> parents) {
        this.name = name;
        this.parents = List.copyOf(parents);
    }

    public Lifetime(String name) {
        this(name, List.of());
    }

    /** The arena owning the native handle and everything allocated for the object's life. */
    public Arena arena() {
        return arena;
    }

    public String name() {
        return name;
    }

    /** Whether the owner has been closed (the native object may still live for children). */
    public boolean isClosed() {
        return ownerClosed.get();
    }

    /** @throws IllegalStateException naming the object if its owner has been closed */
    public void checkOpen() {
        if (ownerClosed.get()) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    /**
     * Takes a hold for a child or a call; only while the owner is open.
     *
     * @throws IllegalStateException if the owner has been closed
     */
    public void acquire() {
        checkOpen();
        int current;
        do {
            current = holds.get();
            if (current == 0) {
                throw new IllegalStateException(name + " is closed");
            }
        } while (!holds.compareAndSet(current, current + 1));
        if (ownerClosed.get()) {
            // Closed between the check and the increment: undo and refuse.
            release();
            throw new IllegalStateException(name + " is closed");
        }
    }

    /**
     * Takes a hold on behalf of a caller that already keeps the object alive (a context holds
     * its model): allowed after the owner's close, which only defers the free. This is how a
     * context creates what it needs on its model (a default sampler) once the model is closed.
     *
     * @throws IllegalStateException if the native object is already freed (the caller held nothing)
     */
    public void retain() {
        int current;
        do {
            current = holds.get();
            if (current == 0) {
                throw new IllegalStateException(name + " is closed");
            }
        } while (!holds.compareAndSet(current, current + 1));
    }

    /** Drops a hold taken with {@link #acquire()} (or one given to a child at creation). */
    public void release() {
        if (holds.decrementAndGet() == 0) {
            try {
                arena.close();
            } finally {
                for (Lifetime parent : parents) {
                    parent.release();
                }
            }
        }
    }

    /** The owner's close: idempotent; frees now unless children or calls still hold it. */
    public void close() {
        if (ownerClosed.compareAndSet(false, true)) {
            release();
        }
    }

    /** Cleaner action: the owner became unreachable without being closed. */
    @Override
    public void run() {
        close();
    }
}
