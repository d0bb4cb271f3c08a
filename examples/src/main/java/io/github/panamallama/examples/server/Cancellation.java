package io.github.panamallama.examples.server;

import java.util.ArrayList;
import java.util.List;

/**
 * Why one request's work should stop: its client hung up, its time ran out, or the server is
 * stopping. Set once, from any thread; the generation checks it between tokens, and its
 * listeners (an abort of the running decode) run at once.
 */
final class Cancellation {
    enum Reason {
        CLIENT_GONE,
        TIMED_OUT,
        SHUTDOWN
    }

    private final List<Runnable> listeners = new ArrayList<>();
    private volatile Reason reason;

    boolean isCancelled() {
        return reason != null;
    }

    /** Null while not cancelled. */
    Reason reason() {
        return reason;
    }

    /** Cancels for {@code why}, unless already cancelled (the first reason stays). */
    void cancel(Reason why) {
        // Listeners run under the lock (they are quick: set a flag, abort a decode), so that a
        // closed registration's listener can never run late, after its resource moved on.
        synchronized (listeners) {
            if (reason != null) {
                return;
            }
            reason = why;
            listeners.forEach(Runnable::run);
            listeners.clear();
        }
    }

    /** Runs {@code action} on cancellation (at once if already cancelled) until the registration is closed. */
    Registration onCancel(Runnable action) {
        synchronized (listeners) {
            if (reason != null) {
                action.run();
                return () -> {};
            }
            listeners.add(action);
        }
        return () -> {
            synchronized (listeners) {
                listeners.remove(action);
            }
        };
    }

    /** A listener's registration; closing it guarantees the listener does not run afterwards. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
