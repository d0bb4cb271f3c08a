package io.github.panamallama.benchmarks;

import static io.github.panamallama.internal.llama.llama_h.llama_get_logits_ith;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Copying one token's logits out of a context into a {@code float[]} (4 bytes per vocabulary
 * entry): {@code context.logits(i)}, {@code context.lastLogits()}, and the raw FFM equivalent
 * ({@code llama_get_logits_ith} and a copy) as the floor.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class LogitsBenchmark {
    @Param({"2000", "32000"})
    int vocabularySize;

    private PromptedContext prompted;
    private MemorySegment contextHandle;

    @Setup
    public void setUp() {
        prompted = new PromptedContext(vocabularySize, 1);
        contextHandle = NativeHandles.context(prompted.context);
    }

    @TearDown
    public void tearDown() {
        prompted.close();
    }

    @Benchmark
    public float[] logits() {
        return prompted.context.logits(PromptedContext.PROMPT_TOKENS - 1);
    }

    @Benchmark
    public float[] lastLogits() {
        return prompted.context.lastLogits();
    }

    @Benchmark
    public float[] downcall() {
        return llama_get_logits_ith(contextHandle, -1)
                .reinterpret((long) vocabularySize * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
    }
}
