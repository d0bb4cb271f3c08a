package io.github.panamallama.benchmarks;

import io.github.panamallama.FlashAttention;
import io.github.panamallama.LlamaModel;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code generation_loop.c}: llama.cpp's plain C generation loop, in this process on the model
 * the Java API loaded (no second load, no cold pages), with the context settings as parameters.
 */
final class CGenerationLoop {
    /** The figures generation_loop writes (generation_loop.h's enum), in order. */
    private static final int FIGURES = 6;

    private final MethodHandle loop;

    private CGenerationLoop(MethodHandle loop) {
        this.loop = loop;
    }

    static CGenerationLoop compile() throws Exception {
        MemorySegment function = NativeHarness.load("generation_loop.c").find("generation_loop").orElseThrow();
        ValueLayout i = ValueLayout.JAVA_INT;
        return new CGenerationLoop(Linker.nativeLinker().downcallHandle(function, FunctionDescriptor.of(i,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, i, i, i, i, i, i, i, ValueLayout.ADDRESS, ValueLayout.ADDRESS)));
    }

    GenerationTiming generate(LlamaModel model, LoopSettings settings) throws Throwable {
        return generate(model, settings, GenerationSample.PROMPT);
    }

    /** As {@link #generate(LlamaModel, LoopSettings)}, with another prompt (at most 8192 tokens: the loop's buffer). */
    GenerationTiming generate(LlamaModel model, LoopSettings settings, String prompt) throws Throwable {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment figures = call.allocate(ValueLayout.JAVA_LONG, FIGURES);
            MemorySegment tokens = call.allocate(ValueLayout.JAVA_INT, Math.max(1, settings.generate()));
            int status = (int) loop.invokeExact(NativeHandles.model(model), call.allocateFrom(prompt),
                    settings.generate(), settings.threads(), settings.polling(), settings.contextLength(),
                    settings.batchSize(), settings.ubatchSize(), flashAttentionValue(settings.flashAttention()), figures, tokens);
            if (status != 0) {
                throw new IllegalStateException("generation_loop failed at step " + status);
            }
            long[] out = figures.toArray(ValueLayout.JAVA_LONG);
            int generated = (int) out[1];
            // The text as the pieces an application streams, as the API builds it.
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            for (int token : Arrays.copyOf(tokens.toArray(ValueLayout.JAVA_INT), generated)) {
                text.writeBytes(model.vocabulary().tokenPieceBytes(token, false));
            }
            return fromMicros(out, text.toString(StandardCharsets.UTF_8));
        }
    }

    /** Figures in generation_loop.h's order and unit: counts, then microseconds. */
    static GenerationTiming fromMicros(long[] out, String text) {
        return new GenerationTiming((int) out[0], (int) out[1], out[4] / 1e3, out[5] / 1e3, out[2] / 1e3, out[3] / 1e3, text);
    }

    /** llama.h's enum llama_flash_attn_type. */
    private static int flashAttentionValue(FlashAttention mode) {
        return switch (mode) {
            case AUTO -> -1;
            case DISABLED -> 0;
            case ENABLED -> 1;
        };
    }
}
