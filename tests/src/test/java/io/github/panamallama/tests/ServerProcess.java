package io.github.panamallama.tests;

import io.github.panamallama.examples.Examples;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The example server as a real process on a free loopback port. */
final class ServerProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("serving \\S+ on (http://127\\.0\\.0\\.1:\\d+/v1)");

    private final Process process;
    private final String baseUrl;
    private final StringBuilder output = new StringBuilder();
    private Thread drainer;

    private ServerProcess(Process process, String baseUrl) {
        this.process = process;
        this.baseUrl = baseUrl;
    }

    /**
     * The example server on this test's class path: a small context, the given slots and queue,
     * model id "tiny-mistral", and a token cap as large as the context.
     */
    static ServerProcess start(Path model, int parallel, int queue) throws IOException {
        return start(model, parallel, queue, List.of("--ctx-size", "1024", "--max-tokens", "1024"));
    }

    /**
     * As {@link #start(Path, int, int)}, with {@code options} (context size included) instead of
     * the small context, and their {@code --model-id} if they have one.
     */
    static ServerProcess start(Path model, int parallel, int queue, List<String> options) throws IOException {
        List<String> all = new ArrayList<>(List.of("--model", model.toString(), "--port", "0",
                "--parallel", Integer.toString(parallel), "--queue", Integer.toString(queue)));
        if (!options.contains("--model-id")) {
            all.addAll(List.of("--model-id", "tiny-mistral"));
        }
        all.addAll(options);
        return start(all);
    }

    /** As the README starts it: the model and a port, every other option at its default. */
    static ServerProcess startWithDefaults(Path model) throws IOException {
        return start(List.of("--model", model.toString(), "--port", "0"));
    }

    private static ServerProcess start(List<String> options) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                "-Dpanamallama.home=" + NativeToolchain.home(),
                Examples.class.getName(), "server"));
        command.addAll(options);
        return start(new ProcessBuilder(command));
    }

    /** Any command that starts the server (the server jar, for one); returns once it serves. */
    static ServerProcess start(ProcessBuilder command) throws IOException {
        Process process = command.redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = lines.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher matcher = SERVING.matcher(line);
            if (matcher.find()) {
                ServerProcess server = new ServerProcess(process, matcher.group(1));
                server.output.append(seen);
                server.drainer = Thread.ofPlatform().daemon().start(() -> server.drain(lines));
                return server;
            }
        }
        throw new AssertionError("the server exited before serving:\n" + seen);
    }

    String baseUrl() {
        return baseUrl;
    }

    /** The port it listens on (loopback). */
    int port() {
        return java.net.URI.create(baseUrl).getPort();
    }

    /** The server's process id. */
    long pid() {
        return process.pid();
    }

    /** Threads of the server process now (Linux: its /proc tasks). */
    long threads() throws IOException {
        try (var tasks = java.nio.file.Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            return tasks.count();
        }
    }

    /** Waits up to {@code millis} for a line of output containing {@code text}; whether one came. */
    boolean awaitOutput(String text, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (output().contains(text)) {
                return true;
            }
            Thread.sleep(20);
        }
        return output().contains(text);
    }

    private void drain(BufferedReader lines) {
        try {
            String line;
            while ((line = lines.readLine()) != null) {
                synchronized (output) {
                    output.append(line).append('\n');
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    /** SIGTERM, which the server handles as a graceful shutdown; the exit code. */
    int stop() throws InterruptedException {
        // Through the handle: Process.destroy() would also close our end of its output.
        process.toHandle().destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server did not stop within 60 s");
        }
        drainer.join(10_000);
        return process.exitValue();
    }

    /** Everything the process printed so far, stdout and stderr, from its first line. */
    String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
