package io.github.panamallama.examples;

import io.github.panamallama.ContextOptions;
import io.github.panamallama.ModelOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * How to load the model and size its context, shared by the generating programs: window
 * length, RoPE overrides, GPU layers and threads. Zero means "what the model says".
 */
public final class ContextSettings {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"-c", "--context-length"}, paramLabel = "TOKENS", defaultValue = "0",
            description = "Context window in tokens; 0 = the model's training context (32768 for Mistral 7B v0.2)."
                    + " Default: ${DEFAULT-VALUE}.")
    int contextLength;

    @Option(names = "--rope-freq-base", paramLabel = "HZ", defaultValue = "0",
            description = "RoPE base frequency; 0 = the model's (1e6 for Mistral 7B v0.2).")
    float ropeFreqBase;

    @Option(names = "--rope-freq-scale", paramLabel = "FACTOR", defaultValue = "0",
            description = "RoPE frequency scale (e.g. 0.5 stretches positions 2x); 0 = the model's.")
    float ropeFreqScale;

    @Option(names = "--gpu-layers", paramLabel = "N", defaultValue = "-1",
            description = "Layers to offload to a GPU; -1 = all (nothing is offloaded without a GPU backend).")
    int gpuLayers;

    @Option(names = {"-t", "--threads"}, paramLabel = "N",
            description = "CPU threads; default: one per physical core.")
    Integer threads;

    public ModelOptions modelOptions() {
        if (gpuLayers < -1) {
            throw new ParameterException(spec.commandLine(), "--gpu-layers must be -1 (all) or >= 0: " + gpuLayers);
        }
        return ModelOptions.builder().gpuLayers(gpuLayers).progressListener(ModelOption.loadProgress()).build();
    }

    /** Context options from the flags; the caller may add to them (embeddings, batch size). */
    public ContextOptions.Builder contextOptions() {
        require(contextLength >= 0, "--context-length must be >= 0: " + contextLength);
        require(ropeFreqBase >= 0 && Float.isFinite(ropeFreqBase), "--rope-freq-base must be >= 0: " + ropeFreqBase);
        require(ropeFreqScale >= 0 && Float.isFinite(ropeFreqScale), "--rope-freq-scale must be >= 0: " + ropeFreqScale);
        ContextOptions.Builder builder = ContextOptions.builder()
                .contextLength(contextLength)
                .ropeFreqBase(ropeFreqBase)
                .ropeFreqScale(ropeFreqScale);
        if (threads != null) {
            require(threads > 0, "--threads must be > 0: " + threads);
            builder.threads(threads);
        }
        return builder;
    }

    private void require(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
