package io.github.panamallama.examples;

import io.github.panamallama.ModelOptions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --rpc HOST:PORT,...}: remote {@code ggml-rpc-server} machines that take the model's
 * layers (all of them, as llama.cpp's own {@code --rpc} does with every layer offloaded).
 */
public final class RpcOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--rpc", paramLabel = "HOST:PORT", split = ",",
            description = "ggml-rpc-server endpoints to place the model's layers on (llama.cpp built with"
                    + " GGML_RPC=ON; no authentication: private networks only).")
    List<String> endpoints = new ArrayList<>();

    /** The builder with the servers added, or as it was when none were given. */
    public ModelOptions.Builder apply(ModelOptions.Builder builder) {
        if (endpoints.isEmpty()) {
            return builder;
        }
        try {
            return builder.rpcServers(endpoints.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--rpc: " + e.getMessage());
        }
    }
}
