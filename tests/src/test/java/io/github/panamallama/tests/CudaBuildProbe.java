package io.github.panamallama.tests;

import static io.github.panamallama.internal.llama.llama_h.ggml_backend_reg_by_name;
import static io.github.panamallama.internal.llama.llama_h.ggml_backend_reg_dev_count;

import io.github.panamallama.BackendDevice;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.LlamaRuntime;
import io.github.panamallama.ModelOptions;
import io.github.panamallama.NativeLibrary;
import io.github.panamallama.Sampler;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What an application sees on a CUDA build of llama.cpp, run by {@link CudaBuildTest} in a JVM
 * of its own (the loader pointed at the build): the library, ggml's CUDA backend and its device
 * count, every device, then a greedy generation with every layer asked onto the GPU and one
 * with none, whose tokens must agree when there is no GPU to take the layers.
 *
 * <p>Argument: {@code MODEL}. Prints {@code key: value} lines.
 */
public final class CudaBuildProbe {
    private CudaBuildProbe() {}

    public static void main(String[] args) {
        Path model = Path.of(args[0]);
        LlamaRuntime runtime = LlamaRuntime.get();
        NativeLibrary library = runtime.library();
        System.out.println("source: " + library.source());
        System.out.println("directory: " + library.directory());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cuda = ggml_backend_reg_by_name(arena.allocateFrom("CUDA"));
            System.out.println("cuda backend: " + (cuda.equals(MemorySegment.NULL) ? "absent" : "registered"));
            System.out.println("cuda devices: " + (cuda.equals(MemorySegment.NULL) ? -1 : ggml_backend_reg_dev_count(cuda)));
        }
        for (BackendDevice device : runtime.devices()) {
            System.out.println("device: " + device.backend() + " " + device.type() + " " + device.name());
        }
        System.out.println("offloaded tokens: " + Arrays.toString(generate(model, 99)));
        System.out.println("cpu tokens: " + Arrays.toString(generate(model, 0)));
    }

    private static int[] generate(Path model, int gpuLayers) {
        try (LlamaModel loaded = LlamaModel.load(model, ModelOptions.builder().gpuLayers(gpuLayers).build());
             LlamaContext context = LlamaContext.create(loaded, ContextOptions.builder().contextLength(128).threads(1).build())) {
            return context.complete("Once upon a time", GenerationOptions.builder()
                    .maxTokens(8).sampler(Sampler.greedy(loaded)).build()).tokens();
        }
    }
}
