package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.LlamaModel;
import io.github.panamallama.ModelOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * One model across machines, on one machine: two ggml-rpc-server processes on 127.0.0.1 take
 * layers of the tiny fixture model, the local CPU keeps the rest, and greedy generation gives
 * exactly the tokens of a local-only run. Runs in the second test pass (the CMake build, which
 * has the RPC backend). The generating runs are forked JVMs (RpcSplitRun): llama.cpp aborts the
 * process when a server fails mid-way, which must never take the test JVM with it.
 */
@EnabledIfSystemProperty(named = "panamallama.sourceBuildPass", matches = "true",
        disabledReason = "runs in the source-build test pass (tests/pom.xml, source-build-tests)")
class RpcSplitTest {
    private static final int TOKENS = 32;
    private static final int RUN_TIMEOUT_SECONDS = 300;

    @TempDir
    Path work;

    @Test
    void splitAcrossTwoServersAndTheCpuGeneratesTheLocalTokens() throws Exception {
        int layers = layerCount();
        String local = run(List.of("0"), List.of());
        try (RpcServers servers = RpcServers.start(2, work)) {
            // The repeating layers go to the servers in equal shares (one each for the fixture's
            // two); the embeddings and the output layer stay on the local CPU.
            String split = run(List.of(Integer.toString(layers)), servers.endpoints());
            assertEquals(line(local, "tokens: "), line(split, "tokens: "), split);
            assertTrue(split.contains("offloaded " + layers + "/" + (layers + 1) + " layers"), split);
            for (String endpoint : servers.endpoints()) {
                assertTrue(split.lines().anyMatch(l -> l.contains(endpoint) && l.contains("model buffer size")),
                        "no layers on " + endpoint + ":\n" + split);
            }
            assertTrue(split.lines().anyMatch(l -> l.contains("CPU") && l.contains("model buffer size")), split);
        }
    }

    @Test
    void aStoppedServerIsACleanException() throws Exception {
        try (RpcServers servers = RpcServers.start(2, work)) {
            servers.stop(1);
            String stopped = servers.endpoints().get(1);
            Result result = fork(List.of("-1"), servers.endpoints());
            assertNotEquals(0, result.exitCode(), result.output());
            assertTrue(result.output().contains("ModelLoadException"), result.output());
            assertTrue(result.output().contains("RPC server " + stopped + " is not reachable"), result.output());
            assertTrue(!result.output().contains("SIGABRT") && !result.output().contains("hs_err"), result.output());
        }
    }

    @Test
    void aBadEndpointIsNamed() {
        var error = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ModelOptions.builder().rpcServers("127.0.0.1:50052", "localhost50053"));
        assertTrue(error.getMessage().contains("'localhost50053'"), error.getMessage());
    }

    private static int layerCount() {
        try (LlamaModel model = LlamaModel.load(TestFixtures.tinyMistralF16())) {
            return model.layerCount();
        }
    }

    private String run(List<String> gpuLayers, List<String> servers) throws Exception {
        Result result = fork(gpuLayers, servers);
        assertEquals(0, result.exitCode(), result.output());
        return result.output();
    }

    private static String line(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + prefix + "' in:\n" + output));
    }

    record Result(int exitCode, String output) {}

    /** RpcSplitRun in its own JVM, bounded in time: a hang fails the test instead of stalling it. */
    private Result fork(List<String> gpuLayers, List<String> servers) throws IOException, InterruptedException {
        String launcher = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(launcher, "--enable-native-access=ALL-UNNAMED",
                "-Dpanamallama.home=" + NativeToolchain.home(), "-cp", System.getProperty("java.class.path"),
                RpcSplitRun.class.getName(), TestFixtures.tinyMistralF16().toString(), Integer.toString(TOKENS), "1"));
        command.addAll(gpuLayers);
        command.addAll(servers);
        Path output = Files.createTempFile(work, "run", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().remove("PANAMA_LLAMA_LIBRARY_PATH");
        Process process = builder.start();
        if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("no answer within " + RUN_TIMEOUT_SECONDS + " s (hung?): " + command
                    + "\n" + Files.readString(output));
        }
        return new Result(process.exitValue(), Files.readString(output));
    }
}
