package io.github.panamallama.benchmarks;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.Sampler;

/**
 * A child JVM of {@link JniPeerComparison} on de.kherud:llama 4.2.0 (llama.cpp b4916 in a JNI
 * library): greedy generation on the same fixture, prompt, context length and threads as
 * {@link PanamaGenerationRun}, timed the same way (wall clock, from the request to the first and
 * the last streamed output). Prints one {@link GenerationSample} line per measured run.
 *
 * <p>This JVM must load nothing of panama-llama: two llama.cpp builds in one process clash.
 * Greedy: temperature 0 with the temperature stage alone keeps only the most likely token, and
 * the distribution stage the server always appends then has one choice. The prompt cache is off,
 * so that every run processes the whole prompt, as the panama side does.
 *
 * <p>Arguments: {@code MODEL THREADS CONTEXT WARMUPS RUNS FLASH_ATTENTION(true|false)}.
 */
public final class KherudGenerationRun {
    private KherudGenerationRun() {}

    public static void main(String[] args) throws Exception {
        String model = args[0];
        int threads = Integer.parseInt(args[1]);
        int context = Integer.parseInt(args[2]);
        int warmups = Integer.parseInt(args[3]);
        int runs = Integer.parseInt(args[4]);
        boolean flashAttention = Boolean.parseBoolean(args[5]);
        String variant = flashAttention ? "kherud-fa-on" : "kherud";
        ModelParameters parameters = new ModelParameters().setModel(model).setThreads(threads).setThreadsBatch(threads)
                .setCtxSize(context);
        if (flashAttention) {
            parameters.enableFlashAttn();
        }
        try (LlamaModel llama = new LlamaModel(parameters)) {
            int promptTokens = llama.encode(GenerationSample.PROMPT).length + 1; // the server adds BOS
            for (int i = 0; i < warmups + runs; i++) {
                GenerationSample sample = generate(llama, variant, promptTokens);
                if (i >= warmups) {
                    System.out.println(sample.line());
                }
            }
        }
        System.out.flush();
        // llama.cpp's server log prints from its own thread: give it time to write the last
        // timings. Then halt: the binding's server thread keeps a plain exit waiting forever.
        Thread.sleep(500);
        Runtime.getRuntime().halt(0);
    }

    private static GenerationSample generate(LlamaModel llama, String variant, int promptTokens) {
        InferenceParameters request = new InferenceParameters(GenerationSample.PROMPT)
                .setNPredict(GenerationSample.GENERATED).setIgnoreEos(true).setCachePrompt(false)
                .setTemperature(0).setSamplers(Sampler.TEMPERATURE);
        StringBuilder text = new StringBuilder();
        long start = System.nanoTime();
        long first = 0;
        long last = 0;
        for (LlamaOutput output : llama.generate(request)) {
            last = System.nanoTime();
            if (first == 0) {
                first = last;
            }
            text.append(output.text);
        }
        // Outputs are not tokens (the server holds back a piece that ends inside a UTF-8
        // character); with EOS ignored it generates exactly GENERATED tokens.
        return GenerationSample.timed(variant, promptTokens, GenerationSample.GENERATED, start, first, last, text.toString());
    }
}
