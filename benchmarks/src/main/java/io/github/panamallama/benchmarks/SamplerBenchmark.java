package io.github.panamallama.benchmarks;

import static io.github.panamallama.internal.llama.llama_h.llama_sampler_sample;

import io.github.panamallama.Sampler;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One step of a sampler chain on the logits of the last decoded token: through the API
 * ({@code Sampler.sample}), and the same llama.cpp call as a raw FFM downcall on the same chain
 * and context, whose difference is the API's own cost per call. The logits stay the same between
 * steps (the chain copies them into its candidate array each time, as in generation).
 */
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SamplerBenchmark extends PerCallBenchmark {
    @Param({"2000", "32000"})
    int vocabularySize;

    /** greedy; or the README's chain: top-k 40, top-p 0.95, temperature 0.8, seeded distribution. */
    @Param({"greedy", "topk-topp-temp-dist"})
    String chain;

    private PromptedContext prompted;
    private Sampler sampler;
    private MemorySegment chainHandle;
    private MemorySegment contextHandle;

    @Setup
    public void setUp() {
        prompted = new PromptedContext(vocabularySize, 1);
        sampler = switch (chain) {
            case "greedy" -> Sampler.greedy(prompted.model);
            case "topk-topp-temp-dist" -> Sampler.builder(prompted.model)
                    .topK(40).topP(0.95f, 1).temperature(0.8f).distribution(42).build();
            default -> throw new IllegalArgumentException("unknown chain " + chain);
        };
        chainHandle = NativeHandles.sampler(sampler);
        contextHandle = NativeHandles.context(prompted.context);
    }

    @TearDown
    public void tearDown() {
        sampler.close();
        prompted.close();
    }

    @Benchmark
    public int api() {
        return sampler.sample(prompted.context);
    }

    @Benchmark
    public int downcall() {
        return llama_sampler_sample(chainHandle, contextHandle, -1);
    }
}
