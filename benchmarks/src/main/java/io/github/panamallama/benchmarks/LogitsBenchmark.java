package io.github.panamallama.benchmarks;

import static io.github.panamallama.internal.llama.llama_h.llama_get_logits_ith;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Copying one token's logits out of a context into a {@code float[]} (4 bytes per vocabulary
 * entry): {@code context.logits(i)}, {@code context.lastLogits()}, and the raw FFM equivalent
 * ({@code llama_get_logits_ith} and a copy) as the floor.
 */
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LogitsBenchmark extends PerCallBenchmark {
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
