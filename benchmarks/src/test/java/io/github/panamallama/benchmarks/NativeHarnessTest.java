package io.github.panamallama.benchmarks;

import static io.github.panamallama.internal.llama.llama_h.llama_get_logits_ith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.panamallama.Batch;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.LlamaModel;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The C halves of the benchmarks do the same work as their Java halves: what DecodeBenchmark
 * and JniPeerComparison compare is the cost of the path, not different work.
 */
class NativeHarnessTest {
    @BeforeEach
    void needsCompilerAndHeaders() {
        assumeTrue(NativeHarness.available(), "the C halves compile against the v0.5.0 headers: needs them and a C compiler");
    }

    @Test
    void decodeRepeatDecodesWhatTheApiDecodesAndLeavesTheMemoryAsItWas() throws Throwable {
        try (PromptedContext prompted = new PromptedContext(BenchmarkModels.FIXTURE_VOCABULARY, 1);
             Batch batch = new Batch(1).add(42, PromptedContext.PROMPT_TOKENS, true)) {
            prompted.context.decode(batch);
            float[] api = prompted.context.logits(0);
            prompted.context.memory().removeTokens(0, PromptedContext.PROMPT_TOKENS, Integer.MAX_VALUE);

            MethodHandle decodeRepeat = Linker.nativeLinker().downcallHandle(
                    NativeHarness.load("decode_repeat.c").find("decode_repeat").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            int status = (int) decodeRepeat.invokeExact(NativeHandles.context(prompted.context), NativeHandles.batch(batch),
                    PromptedContext.PROMPT_TOKENS, 3);
            assertEquals(0, status);
            float[] c = llama_get_logits_ith(NativeHandles.context(prompted.context), -1)
                    .reinterpret(BenchmarkModels.FIXTURE_VOCABULARY * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
            assertArrayEquals(api, c, "the same logits, bit for bit");
            assertEquals(OptionalInt.of(PromptedContext.PROMPT_TOKENS - 1), prompted.context.memory().maxPosition(0));
        }
    }

    @Test
    void cGenerationLoopGeneratesTheApisTokens() throws Throwable {
        try (LlamaModel model = LlamaModel.load(BenchmarkModels.tinyMistral())) {
            int promptTokens = model.vocabulary().tokenize(GenerationSample.PROMPT, true, true).length;
            LoopSettings settings = LoopSettings.forPrompt(promptTokens, GenerationSample.GENERATED, 1,
                    ContextOptions.DEFAULT_THREAD_POLLING);
            CGenerationLoop c = CGenerationLoop.compile();
            for (String[] pair : new String[][] {{"api", "c"}, {"api-fa-off", "c-fa-off"}, {"api-fa-off", "c-fa-off-per-graph"}}) {
                GenerationSample java = PanamaGenerationRun.run(pair[0], model, c, settings);
                GenerationSample native_ = PanamaGenerationRun.run(pair[1], model, c, settings);
                assertEquals(promptTokens, native_.promptTokens());
                assertEquals(java.promptTokens(), native_.promptTokens());
                assertEquals(java.generated(), native_.generated(), pair[1]);
                assertEquals(java.textDigest(), native_.textDigest(), pair[0] + " and " + pair[1] + " generate the same text");
            }
        }
    }

    @Test
    void cLoopAndApiTimeTheSameSpans() throws Throwable {
        try (LlamaModel model = LlamaModel.load(BenchmarkModels.tinyMistral())) {
            int promptTokens = model.vocabulary().tokenize(GenerationSample.PROMPT, true, true).length;
            LoopSettings settings = LoopSettings.forPrompt(promptTokens, 16, 1, ContextOptions.DEFAULT_THREAD_POLLING);
            GenerationTiming java = ApiGeneration.generate(model, settings);
            GenerationTiming c = CGenerationLoop.compile().generate(model, settings);
            for (GenerationTiming timing : List.of(java, c)) {
                assertEquals(promptTokens, timing.promptTokens());
                assertEquals(16, timing.generated());
                assertTrue(timing.promptMillis() > 0 && timing.generationMillis() > 0, timing.toString());
                assertTrue(timing.firstTokenMillis() >= timing.promptMillis(), timing.toString());
            }
            // As the API's: the generation span starts at the prompt's end, before the first token is sampled.
            assertTrue(c.generationMillis() >= c.firstToLastMillis(), c.toString());
            assertEquals(java.text(), c.text());
        }
    }

    @Test
    void theCProgramInItsOwnProcessGeneratesWhatTheLoopDoes() throws Throwable {
        Path model = BenchmarkModels.tinyMistral();
        GenerationTiming program = CGenerationProcess.compile().run(model, 16, 1, LoopSettings.NO_THREADPOOL);
        try (LlamaModel llama = LlamaModel.load(model)) {
            int promptTokens = llama.vocabulary().tokenize(GenerationSample.PROMPT, true, true).length;
            assertEquals(promptTokens, program.promptTokens());
            assertEquals(16, program.generated());
            assertTrue(program.promptTokensPerSecond() > 0 && program.tokensPerSecond() > 0, program.toString());
        }
    }
}
