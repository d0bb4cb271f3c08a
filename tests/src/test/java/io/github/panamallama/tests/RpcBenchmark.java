package io.github.panamallama.tests;

import io.github.panamallama.gguf.GgufFile;
import io.github.panamallama.gguf.GgufTensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * scripts/benchmark.sh --rpc: greedy tokens/s of one model run locally and split across two
 * ggml-rpc-server processes on 127.0.0.1 (every repeating layer on the servers, half each; the
 * embeddings and output on the local CPU), alternating, each run a JVM of its own (RpcSplitRun).
 * Needs the source build (the RPC backend): the script points panamallama.home at it.
 *
 * <p>Arguments: [MODEL.gguf] [ROUNDS] [TOKENS] (default: the tiny-Mistral F16 fixture, 3, 64).
 */
public final class RpcBenchmark {
    private RpcBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path model = args.length > 0 && !args[0].isEmpty() ? Path.of(args[0]) : TestFixtures.tinyMistralF16();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int layers;
        try (GgufFile file = GgufFile.open(model)) {
            // The repeating layers' tensors are blk.<n>.*; loading the weights here would be slow.
            layers = (int) file.tensors().stream().map(GgufTensorInfo::name).filter(name -> name.startsWith("blk."))
                    .map(name -> name.split("\\.")[1]).distinct().count();
        }
        Path logs = Files.createTempDirectory("rpc-benchmark");
        List<Double> local = new ArrayList<>();
        List<Double> split = new ArrayList<>();
        String agreement = "";
        try (RpcServers servers = RpcServers.start(2, logs)) {
            for (int round = 0; round < rounds; round++) {
                String localRun = run(model, tokens, layers, List.of());
                String splitRun = run(model, tokens, layers, servers.endpoints());
                if (round == 0) {
                    splitRun.lines().filter(l -> l.startsWith("llama.cpp: ")).forEach(System.out::println);
                    agreement = agreement(tokensOf(localRun), tokensOf(splitRun));
                }
                local.add(tokensPerSecond(localRun));
                split.add(tokensPerSecond(splitRun));
                System.out.printf("round %d: local %.1f tokens/s, 2 RPC servers %.1f tokens/s%n", round + 1,
                        local.getLast(), split.getLast());
            }
        }
        System.out.printf("%s, %d layers, %d tokens, median of %d: local %.1f tokens/s, split across 2 loopback"
                + " RPC servers %.1f tokens/s (%.2fx); %s%n", model.getFileName(), layers, tokens, rounds,
                median(local), median(split), median(split) / median(local), agreement);
    }

    private static String run(Path model, int tokens, int layers, List<String> servers) throws Exception {
        String launcher = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(launcher, "--enable-native-access=ALL-UNNAMED",
                "-Dpanamallama.home=" + NativeToolchain.home(), "-cp", System.getProperty("java.class.path"),
                RpcSplitRun.class.getName(), model.toString(), Integer.toString(tokens), "3", Integer.toString(layers)));
        command.addAll(servers);
        Path output = Files.createTempFile("rpc-run", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("run failed: " + command + "\n" + Files.readString(output));
        }
        String text = Files.readString(output);
        Files.delete(output);
        return text;
    }

    private static String[] tokensOf(String output) {
        return output.lines().filter(l -> l.startsWith("tokens: ")).findFirst().orElseThrow()
                .substring("tokens: ".length()).split(" ");
    }

    /**
     * Whether both runs generated the same tokens. They need not on quantized models: the local
     * CPU backend repacks Q4_0 weights for its wider kernels (CPU_REPACK), the servers' buffers
     * do not, and the different rounding can change a near-tie (random weights have many).
     */
    private static String agreement(String[] local, String[] split) {
        int same = 0;
        while (same < Math.min(local.length, split.length) && local[same].equals(split[same])) {
            same++;
        }
        return same == local.length && same == split.length ? "tokens identical"
                : "tokens differ after " + same + " of " + local.length + " (different CPU kernels, see RpcBenchmark)";
    }

    private static double tokensPerSecond(String output) {
        return Double.parseDouble(output.lines().filter(l -> l.startsWith("tokens/s: ")).findFirst().orElseThrow()
                .substring("tokens/s: ".length()));
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
