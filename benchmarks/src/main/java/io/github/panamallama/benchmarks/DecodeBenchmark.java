package io.github.panamallama.benchmarks;

import static io.github.panamallama.internal.llama.llama_h.llama_decode;
import static io.github.panamallama.internal.llama.llama_h.llama_get_memory;
import static io.github.panamallama.internal.llama.llama_h.llama_memory_seq_rm;

import io.github.panamallama.Batch;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One {@code llama_decode} of a one-token batch on the tiny model (vocabulary 2000), after a
 * 64-token prompt, three ways on the same context and the same batch struct. Each operation is
 * the decode plus removing that token from the memory again, so every decode meets the same
 * state:
 * <ul>
 * <li>{@code api}: {@code context.decode(batch)} and {@code memory().removeTokens(...)};
 * <li>{@code downcall}: the same two llama.cpp functions as raw FFM downcalls (no API checks);
 * <li>{@code c}: the same two calls in a C loop ({@code decode_repeat.c}), {@value #C_CALLS} per
 *     downcall: no Java and almost no FFM transition in the figure per operation.
 * </ul>
 * The compute inside llama.cpp dominates all three; their differences are the per-call costs
 * outside it.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DecodeBenchmark extends PerCallBenchmark {
    static final int C_CALLS = 32;

    @Param({"1"})
    int threads;

    private PromptedContext prompted;
    private Batch batch;
    private MemorySegment contextHandle;
    private MemorySegment memoryHandle;
    private MemorySegment batchStruct;
    private MethodHandle decodeRepeat;

    @Setup
    public void setUp() throws Exception {
        prompted = new PromptedContext(BenchmarkModels.FIXTURE_VOCABULARY, threads);
        batch = new Batch(1).add(42, PromptedContext.PROMPT_TOKENS, true);
        contextHandle = NativeHandles.context(prompted.context);
        memoryHandle = llama_get_memory(contextHandle);
        batchStruct = NativeHandles.batch(batch);
        decodeRepeat = Linker.nativeLinker().downcallHandle(
                NativeHarness.load("decode_repeat.c").find("decode_repeat").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    @TearDown
    public void tearDown() {
        batch.close();
        prompted.close();
    }

    @Benchmark
    public void api() {
        prompted.context.decode(batch);
        prompted.context.memory().removeTokens(0, PromptedContext.PROMPT_TOKENS, Integer.MAX_VALUE);
    }

    @Benchmark
    public void downcall() {
        int status = llama_decode(contextHandle, batchStruct);
        if (status != 0) {
            throw new IllegalStateException("llama_decode returned " + status);
        }
        llama_memory_seq_rm(memoryHandle, 0, PromptedContext.PROMPT_TOKENS, -1);
    }

    @Benchmark
    @OperationsPerInvocation(C_CALLS)
    public void c() throws Throwable {
        int status = (int) decodeRepeat.invokeExact(contextHandle, batchStruct, PromptedContext.PROMPT_TOKENS, C_CALLS);
        if (status != 0) {
            throw new IllegalStateException("llama_decode returned " + status);
        }
    }
}
