package io.github.panamallama.benchmarks;

import io.github.panamallama.LlamaRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code generation_program.c}: the C loop as a program of its own, which loads the model itself
 * for every run. What another llama.cpp process on the same machine and model is; its figures
 * are the process-per-run check beside the in-process ones.
 */
final class CGenerationProcess {
    private static final List<String> FIGURES = List.of("prompt_tokens", "generated", "to_first_token_us",
            "first_to_last_us", "prompt_us", "prompt_to_last_us");

    private final Path program;

    private CGenerationProcess(Path program) {
        this.program = program;
    }

    static CGenerationProcess compile() throws Exception {
        return new CGenerationProcess(NativeHarness.program("generation_program", "generation_program.c", "generation_loop.c"));
    }

    /**
     * One run on {@code model}: the prompt in one batch, flash attention auto, and a persistent
     * threadpool at {@code polling} or ggml's per-graph threads ({@link LoopSettings#NO_THREADPOOL}).
     */
    GenerationTiming run(Path model, int generate, int threads, int polling) throws Exception {
        ChildOutput output = ChildOutput.run(List.of(program.toString(), model.toString(),
                LlamaRuntime.get().library().directory().toString(), Integer.toString(generate), Integer.toString(threads),
                Integer.toString(polling), GenerationSample.PROMPT), Map.of(), Duration.ofMinutes(10));
        Map<String, Long> printed = new HashMap<>();
        for (String line : output.stdout()) {
            String[] parts = line.split(": ", 2);
            if (parts.length == 2 && FIGURES.contains(parts[0])) {
                printed.put(parts[0], Long.parseLong(parts[1].trim()));
            }
        }
        if (!printed.keySet().containsAll(FIGURES)) {
            throw new IllegalStateException(program + " did not print " + FIGURES + ":\n" + String.join("\n", output.stdout()));
        }
        long[] figures = FIGURES.stream().mapToLong(printed::get).toArray();
        return CGenerationLoop.fromMicros(figures, "");
    }
}
