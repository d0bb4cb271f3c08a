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
 * the Java API loaded, with the context settings as parameters.
 */
final class CGenerationLoop {
    /** Pass as {@code polling} for ggml's per-graph worker threads instead of a persistent pool. */
    static final int NO_THREADPOOL = -1;

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

    /** The C loop's settings. {@code polling}: ggml's polling level of the pool, or {@link #NO_THREADPOOL}. */
    record Settings(int threads, int polling, int contextLength, int batchSize, int ubatchSize, FlashAttention flashAttention) {}

    GenerationSample generate(String variant, LlamaModel model, Settings settings) throws Throwable {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment figures = call.allocate(ValueLayout.JAVA_LONG, 4);
            MemorySegment tokens = call.allocate(ValueLayout.JAVA_INT, GenerationSample.GENERATED);
            int status = (int) loop.invokeExact(NativeHandles.model(model), call.allocateFrom(GenerationSample.PROMPT),
                    GenerationSample.GENERATED, settings.threads(), settings.polling(), settings.contextLength(),
                    settings.batchSize(), settings.ubatchSize(), flashAttentionValue(settings.flashAttention()), figures, tokens);
            if (status != 0) {
                throw new IllegalStateException("generation_loop failed at step " + status);
            }
            long[] out = figures.toArray(ValueLayout.JAVA_LONG);
            int generated = (int) out[1];
            // The text as the pieces an application streams, as the other sides build it.
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            for (int token : Arrays.copyOf(tokens.toArray(ValueLayout.JAVA_INT), generated)) {
                text.writeBytes(model.vocabulary().tokenPieceBytes(token, false));
            }
            return new GenerationSample(variant, (int) out[0], generated, out[2] / 1e3, (generated - 1) * 1e6 / out[3],
                    GenerationSample.digest(text.toString(StandardCharsets.UTF_8)));
        }
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
