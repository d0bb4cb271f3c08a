package io.github.panamallama.tests;

import io.github.panamallama.LlamaModel;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * tests/src/test/native/bench_loop.c built as a shared library and called through FFM on a model
 * the Java API loaded: the plain C generation loop in the same process, on the same weights, so
 * a Java/C comparison measures the binding and nothing else (no second load, no cold pages, no
 * other process competing for the cores).
 */
final class NativeGenerationLoop {
    /** Pass as {@code polling} for ggml's per-graph worker threads instead of a persistent pool. */
    static final int NO_THREADPOOL = -1;

    private final MethodHandle generate;

    private NativeGenerationLoop(MethodHandle generate) {
        this.generate = generate;
    }

    /** Compiles the loop against the v0.5.0 headers and links it to the library the API loaded. */
    static NativeGenerationLoop compile(Path workDirectory) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("-shared", "-fPIC", "-O2"));
        arguments.addAll(NativeToolchain.linkToLoadedLibrary());
        Path library = workDirectory.resolve("libbench_loop.so");
        NativeToolchain.compile(NativeToolchain.home().resolve("tests/src/test/native/bench_loop.c"), library, arguments);
        MemorySegment function = SymbolLookup.libraryLookup(library, Arena.global()).find("bench_generate").orElseThrow();
        return new NativeGenerationLoop(Linker.nativeLinker().downcallHandle(function, FunctionDescriptor.of(
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS)));
    }

    /** Prompt and generation speed of one greedy run, in tokens per second. */
    record Speeds(double prompt, double generation) {}

    Speeds generate(LlamaModel model, String prompt, int tokens, int threads, int polling) throws Throwable {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ValueLayout.JAVA_LONG, 4);
            int result = (int) generate.invokeExact(handleOf(model), call.allocateFrom(prompt), tokens, threads,
                    polling, out);
            if (result != 0) {
                throw new IllegalStateException("bench_generate failed at step " + result);
            }
            long[] figures = out.toArray(ValueLayout.JAVA_LONG);
            return new Speeds(figures[0] * 1e6 / figures[1], figures[2] * 1e6 / figures[3]);
        }
    }

    /**
     * The model's native pointer. The API keeps it private on purpose (no public signature
     * exposes native memory); this benchmark, on the class path, reads it reflectively.
     */
    private static MemorySegment handleOf(LlamaModel model) throws ReflectiveOperationException {
        Method handle = LlamaModel.class.getDeclaredMethod("handle");
        handle.setAccessible(true);
        return (MemorySegment) handle.invoke(model);
    }
}
