package io.github.panamallama.internal.runtime;

import static io.github.panamallama.internal.llama.llama_h.*;

import io.github.panamallama.internal.llama.ggml_log_callback;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

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

    private NativeLog() {}

    static void install() {
        MemorySegment callback = ggml_log_callback.allocate(NativeLog::onMessage, Arena.global());
        llama_log_set(callback, MemorySegment.NULL);
    }

    /** Never lets anything escape into native code: an upcall that throws ends the JVM. */
    private static void onMessage(int level, MemorySegment text, MemorySegment userData) {
        try {
            Level mapped = map(level);
            if (!LOGGER.isLoggable(mapped) || text.equals(MemorySegment.NULL)) {
                return;
            }
            String message = text.reinterpret(MAX_MESSAGE_BYTES).getString(0).stripTrailing();
            if (!message.isEmpty()) {
                LOGGER.log(mapped, message);
            }
        } catch (Throwable ignored) {
            // Logging must never take the process down; a lost log line is the lesser harm.
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
