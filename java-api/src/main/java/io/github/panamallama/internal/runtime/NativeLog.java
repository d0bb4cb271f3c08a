package io.github.panamallama.internal.runtime;

import static io.github.panamallama.internal.llama.llama_h.*;

import io.github.panamallama.internal.llama.ggml_log_callback;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.function.Consumer;

/**
 * Routes llama.cpp's and ggml's log to {@link System.Logger} {@value #LOGGER_NAME}.
 *
 * <p>llama.cpp logs model loading in detail at its INFO level; that maps to {@code DEBUG}
 * here so that an application's default logging shows warnings and errors only. The
 * callback lives in the global arena: llama.cpp may log at any time until the process ends.
 */
public final class NativeLog {
    public static final String LOGGER_NAME = "io.github.panamallama.llama.cpp";
    private static final Logger LOGGER = System.getLogger(LOGGER_NAME);
    private static final int MAX_MESSAGE_BYTES = 1 << 20;

    /** Level of the last complete message, for ggml's "continue previous message" level. */
    private static volatile Level lastLevel = Level.DEBUG;

    /**
     * Errors logged on this thread while a {@link #captureErrors()} is open: llama.cpp reports
     * why a load or grammar parse failed only in its log, on the calling thread.
     */
    private static final ThreadLocal<StringBuilder> CAPTURED_ERRORS = new ThreadLocal<>();

    /**
     * Receives every message logged on this thread while an {@link #observe} is open: what
     * llama.cpp says only in its log, such as how far a quantization is.
     */
    private static final ThreadLocal<Consumer<String>> OBSERVERS = new ThreadLocal<>();

    private NativeLog() {}

    static void install() {
        MemorySegment callback = ggml_log_callback.allocate(NativeLog::onMessage, Arena.global());
        llama_log_set(callback, MemorySegment.NULL);
    }

    /** Never lets anything escape into native code: an upcall that throws ends the JVM. */
    private static void onMessage(int level, MemorySegment text, MemorySegment userData) {
        try {
            Level mapped = map(level);
            StringBuilder capture = CAPTURED_ERRORS.get();
            boolean capturing = capture != null && mapped == Level.ERROR;
            Consumer<String> observer = OBSERVERS.get();
            if ((!capturing && observer == null && !LOGGER.isLoggable(mapped)) || text.equals(MemorySegment.NULL)) {
                return;
            }
            String message = text.reinterpret(MAX_MESSAGE_BYTES).getString(0).stripTrailing();
            if (observer != null) {
                try {
                    observer.accept(message);
                } catch (RuntimeException ignored) {
                    // an observer that fails loses its message; the log still gets it
                }
            }
            if (capturing && !message.isEmpty()) {
                capture.append(capture.isEmpty() ? "" : "; ").append(message);
            }
            if (!message.isEmpty() && LOGGER.isLoggable(mapped)) {
                LOGGER.log(mapped, message);
            }
        } catch (Throwable ignored) {
            // Logging must never take the process down; a lost log line is the lesser harm.
        }
    }

    /**
     * Starts collecting the error messages llama.cpp logs on this thread, until the returned
     * capture is closed. Not nested: an inner capture takes over until it closes.
     */
    public static ErrorCapture captureErrors() {
        StringBuilder previous = CAPTURED_ERRORS.get();
        StringBuilder mine = new StringBuilder();
        CAPTURED_ERRORS.set(mine);
        return new ErrorCapture(mine, previous);
    }

    /**
     * Passes every message llama.cpp logs on this thread, at any level and whether or not the
     * logger shows it, to {@code observer} until the returned handle is closed. The observer
     * runs inside llama.cpp: it must be quick and should not throw. Not nested: an inner
     * observation takes over until it closes.
     */
    public static Observation observe(Consumer<String> observer) {
        Consumer<String> previous = OBSERVERS.get();
        OBSERVERS.set(java.util.Objects.requireNonNull(observer, "observer"));
        return new Observation(previous);
    }

    /** An open {@link #observe}; closing it stops the messages. */
    public static final class Observation implements AutoCloseable {
        private final Consumer<String> previous;

        private Observation(Consumer<String> previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (previous == null) {
                OBSERVERS.remove();
            } else {
                OBSERVERS.set(previous);
            }
        }
    }

    /** Error messages collected on one thread; {@link #text()} is empty if there were none. */
    public static final class ErrorCapture implements AutoCloseable {
        private final StringBuilder messages;
        private final StringBuilder previous;

        private ErrorCapture(StringBuilder messages, StringBuilder previous) {
            this.messages = messages;
            this.previous = previous;
        }

        public String text() {
            return messages.toString();
        }

        @Override
        public void close() {
            if (previous == null) {
                CAPTURED_ERRORS.remove();
            } else {
                CAPTURED_ERRORS.set(previous);
            }
        }
    }

    private static Level map(int level) {
        Level mapped;
        if (level == GGML_LOG_LEVEL_ERROR()) {
            mapped = Level.ERROR;
        } else if (level == GGML_LOG_LEVEL_WARN()) {
            mapped = Level.WARNING;
        } else if (level == GGML_LOG_LEVEL_INFO()) {
            mapped = Level.DEBUG;
        } else if (level == GGML_LOG_LEVEL_CONT()) {
            return lastLevel;
        } else {
            mapped = Level.TRACE;
        }
        lastLevel = mapped;
        return mapped;
    }
}
