package io.github.panamallama.tests;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code ggml-rpc-server} processes on 127.0.0.1, each on a free port, as other machines would
 * run them; closing stops every one still running, so their lifetimes end with the test's.
 */
final class RpcServers implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final List<Process> processes = new ArrayList<>();
    private final List<String> endpoints = new ArrayList<>();

    /** The server program next to the libraries the Java API loaded (the CMake build puts it there). */
    static Path serverProgram() {
        return io.github.panamallama.LlamaRuntime.get().library().directory().resolve("ggml-rpc-server");
    }

    static RpcServers start(int count, Path logDirectory) throws IOException, InterruptedException {
        RpcServers servers = new RpcServers();
        try {
            for (int i = 0; i < count; i++) {
                servers.startOne(logDirectory.resolve("rpc-server-" + i + ".log"));
            }
            return servers;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            servers.close();
            throw e;
        }
    }

    private void startOne(Path log) throws IOException, InterruptedException {
        int port = freePort();
        Process process = new ProcessBuilder(serverProgram().toString(), "-H", "127.0.0.1", "-p", Integer.toString(port), "-t", "1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(process);
        String endpoint = "127.0.0.1:" + port;
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!listening(port)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("ggml-rpc-server on " + endpoint + " exited with " + process.exitValue()
                        + ":\n" + Files.readString(log));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("ggml-rpc-server on " + endpoint + " not listening after " + START_TIMEOUT);
            }
            Thread.sleep(100);
        }
        endpoints.add(endpoint);
    }

    List<String> endpoints() {
        return List.copyOf(endpoints);
    }

    /** Stops one server and waits until it is gone, as a machine that went down. */
    void stop(int index) throws InterruptedException {
        Process process = processes.get(index);
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("ggml-rpc-server " + endpoints.get(index) + " did not stop");
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process process : processes) {
            process.destroyForcibly();
        }
        for (Process process : processes) {
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Whether the port accepts connections. The server answers a connection that sends nothing
     * by dropping it, so probing is harmless.
     */
    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
