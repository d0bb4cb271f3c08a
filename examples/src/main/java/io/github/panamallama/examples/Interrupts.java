package io.github.panamallama.examples;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) for the chat: while an answer runs it stops the answer; otherwise it quits
 * as usual. Uses {@code sun.misc.Signal} (module jdk.unsupported), the JDK's only way to catch
 * a signal; where the JVM does not allow it (e.g. started with -Xrs), Ctrl-C just quits.
 */
final class Interrupts implements AutoCloseable {
    private SignalHandler previous;
    private volatile Runnable onInterrupt;

    private Interrupts() {}

    static Interrupts install() {
        Interrupts interrupts = new Interrupts();
        try {
            interrupts.previous = Signal.handle(new Signal("INT"), interrupts::handle);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // No SIGINT handling here: Ctrl-C keeps its default behaviour (the program ends).
        }
        return interrupts;
    }

    private void handle(Signal signal) {
        Runnable action = onInterrupt;
        if (action != null) {
            action.run();
        } else {
            System.out.println();
            System.out.flush();
            System.exit(ChatCommand.INTERRUPTED_EXIT); // 128 + SIGINT, as shells report Ctrl-C
        }
    }

    /** Ctrl-C runs {@code action} until {@link #atPrompt()}. */
    void whileAnswering(Runnable action) {
        onInterrupt = action;
    }

    void atPrompt() {
        onInterrupt = null;
    }

    @Override
    public void close() {
        if (previous != null) {
            Signal.handle(new Signal("INT"), previous);
        }
    }
}
