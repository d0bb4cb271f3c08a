package io.github.panamallama;

import static io.github.panamallama.internal.llama.llama_h.*;

import io.github.panamallama.internal.runtime.NativeLog;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Saves and restores a context's state (memory, logits, embeddings): whole or one sequence, as
 * bytes or as files with the tokens they hold. Behind {@link LlamaContext}'s state methods,
 * which hold the guard while these run.
 */
final class ContextState {
    /** Largest state copied into a Java array. */
    private static final long MAX_STATE_BYTES = Integer.MAX_VALUE - 16;

    private final ContextCore core;
    private final MemorySegment handle;

    ContextState(ContextCore core) {
        this.core = core;
        this.handle = core.handle();
    }

    byte[] save() {
        try (Arena call = Arena.ofConfined()) {
            long size = llama_state_get_size(handle);
            checkStateSize(size);
            MemorySegment buffer = call.allocate(Math.max(1, size));
            long written = llama_state_get_data(handle, buffer, size);
            return buffer.asSlice(0, written).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    void restore(byte[] state) {
        try (Arena call = Arena.ofConfined(); NativeLog.ErrorCapture errors = NativeLog.captureErrors()) {
            if (llama_state_set_data(handle, copyIn(call, state), state.length) == 0) {
                throw new IllegalArgumentException("not a state of this context (" + state.length + " bytes): "
                        + errors.text());
            }
        }
    }

    void save(Path file, int[] tokens) {
        try (Arena call = Arena.ofConfined(); NativeLog.ErrorCapture errors = NativeLog.captureErrors()) {
            checkTokens(tokens);
            if (!llama_state_save_file(handle, call.allocateFrom(file.toString()), copyIn(call, tokens), tokens.length)) {
                throw new LlamaException("Cannot save state to " + file + ": " + errors.text());
            }
        }
    }

    int[] load(Path file) {
        int capacity = core.contextLength();
        try (Arena call = Arena.ofConfined(); NativeLog.ErrorCapture errors = NativeLog.captureErrors()) {
            MemorySegment tokens = call.allocate(ValueLayout.JAVA_INT, capacity);
            MemorySegment count = call.allocate(ValueLayout.JAVA_LONG);
            if (!llama_state_load_file(handle, call.allocateFrom(file.toString()), tokens, capacity, count)) {
                throw new LlamaException("Cannot load state from " + file + ": " + errors.text());
            }
            return readTokens(tokens, count);
        }
    }

    byte[] saveSequence(int sequenceId) {
        try (Arena call = Arena.ofConfined()) {
            core.checkSequence(sequenceId);
            long size = llama_state_seq_get_size(handle, sequenceId);
            checkStateSize(size);
            MemorySegment buffer = call.allocate(Math.max(1, size));
            long written = llama_state_seq_get_data(handle, buffer, size, sequenceId);
            return buffer.asSlice(0, written).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    void restoreSequence(int sequenceId, byte[] state) {
        try (Arena call = Arena.ofConfined(); NativeLog.ErrorCapture errors = NativeLog.captureErrors()) {
            core.checkSequence(sequenceId);
            if (llama_state_seq_set_data(handle, copyIn(call, state), state.length, sequenceId) == 0) {
                throw new IllegalArgumentException("not a sequence state of this context (" + state.length
                        + " bytes): " + errors.text());
            }
        }
    }

    void saveSequence(Path file, int sequenceId, int[] tokens) {
        try (Arena call = Arena.ofConfined(); NativeLog.ErrorCapture errors = NativeLog.captureErrors()) {
            core.checkSequence(sequenceId);
            checkTokens(tokens);
            if (llama_state_seq_save_file(handle, call.allocateFrom(file.toString()), sequenceId,
                    copyIn(call, tokens), tokens.length) == 0) {
                throw new LlamaException("Cannot save sequence " + sequenceId + " to " + file + ": " + errors.text());
            }
        }
    }

    int[] loadSequence(Path file, int sequenceId) {
        int capacity = core.contextLength();
        try (Arena call = Arena.ofConfined(); NativeLog.ErrorCapture errors = NativeLog.captureErrors()) {
            core.checkSequence(sequenceId);
            MemorySegment tokens = call.allocate(ValueLayout.JAVA_INT, capacity);
            MemorySegment count = call.allocate(ValueLayout.JAVA_LONG);
            if (llama_state_seq_load_file(handle, call.allocateFrom(file.toString()), sequenceId, tokens,
                    capacity, count) == 0) {
                throw new LlamaException("Cannot load sequence " + sequenceId + " from " + file + ": " + errors.text());
            }
            return readTokens(tokens, count);
        }
    }

    /** Checked before entering the context, so a missing file is reported as such. */
    static void requireReadable(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("no readable state file at " + file);
        }
    }

    private int[] readTokens(MemorySegment tokens, MemorySegment count) {
        long n = count.get(ValueLayout.JAVA_LONG, 0);
        if (n < 0 || n > core.contextLength()) {
            throw new LlamaException("state file holds " + n + " tokens, more than the context length "
                    + core.contextLength());
        }
        return tokens.asSlice(0, n * Integer.BYTES).toArray(ValueLayout.JAVA_INT);
    }

    private void checkTokens(int[] tokens) {
        int vocabularySize = core.vocabularySize();
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocabularySize) {
                throw new IllegalArgumentException("tokens[" + i + "] = " + tokens[i] + " is not a token id (0.."
                        + (vocabularySize - 1) + ")");
            }
        }
    }

    private static void checkStateSize(long size) {
        if (size > MAX_STATE_BYTES) {
            throw new IllegalStateException("state of " + size + " bytes does not fit a Java array; save it to a file");
        }
    }

    private static MemorySegment copyIn(Arena arena, byte[] bytes) {
        MemorySegment segment = arena.allocate(Math.max(1, bytes.length));
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return segment;
    }

    private static MemorySegment copyIn(Arena arena, int[] values) {
        MemorySegment segment = arena.allocate(ValueLayout.JAVA_INT, Math.max(1, values.length));
        MemorySegment.copy(values, 0, segment, ValueLayout.JAVA_INT, 0, values.length);
        return segment;
    }
}
