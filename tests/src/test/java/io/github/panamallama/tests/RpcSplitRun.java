package io.github.panamallama.tests;

import io.github.panamallama.Completion;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.ModelOptions;
import io.github.panamallama.Sampler;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Greedy generation in a JVM of its own, locally or with layers on RPC servers: llama.cpp ends
 * the process when a server fails mid-way, so tests run this rather than risk their own JVM.
 *
 * <p>Arguments: model, tokens, runs, gpuLayers, then zero or more {@code host:port} servers
 * (none: local only). Prints the tokens, llama.cpp's placement lines and the best tokens/s.
 */
public final class RpcSplitRun {
    private static final String PROMPT = "The quick brown fox jumps over";

    private RpcSplitRun() {}

    public static void main(String[] args) {
        Path model = Path.of(args[0]);
        int tokens = Integer.parseInt(args[1]);
        int runs = Integer.parseInt(args[2]);
        int gpuLayers = Integer.parseInt(args[3]);
        String[] servers = Arrays.copyOfRange(args, 4, args.length);
        printPlacementLog();
        ModelOptions.Builder options = ModelOptions.builder();
        if (servers.length > 0) {
            float[] equalShares = new float[servers.length];
            Arrays.fill(equalShares, 1);
            options.rpcServers(servers).gpuLayers(gpuLayers).tensorSplit(equalShares);
        }
        try (LlamaModel loaded = LlamaModel.load(model, options.build())) {
            double best = 0;
            int[] first = null;
            for (int run = 0; run < runs; run++) {
                int[] generated;
                try (LlamaContext context = LlamaContext.create(loaded, ContextOptions.builder()
                        .contextLength(tokens + 64).threads(2).build())) {
                    Completion completion = context.complete(PROMPT, GenerationOptions.builder()
                            .maxTokens(tokens).sampler(Sampler.greedy(loaded)).build());
                    generated = completion.tokens();
                    best = Math.max(best, completion.timings().tokensPerSecond());
                }
                if (first == null) {
                    first = generated;
                } else if (!Arrays.equals(first, generated)) {
                    throw new IllegalStateException("greedy runs differ: " + Arrays.toString(first) + " vs " + Arrays.toString(generated));
                }
            }
            System.out.println("tokens: " + Arrays.stream(first).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
            System.out.printf("tokens/s: %.1f%n", best);
        }
    }

    /** llama.cpp says where each layer went only in its log (System.Logger, INFO as DEBUG). */
    private static void printPlacementLog() {
        Logger log = Logger.getLogger("io.github.panamallama.llama.cpp");
        log.setLevel(Level.ALL);
        log.setUseParentHandlers(false);
        log.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                String message = record.getMessage();
                if (message != null && (message.contains("offloaded") || message.contains("model buffer size"))) {
                    System.out.println("llama.cpp: " + message.strip());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
    }
}
