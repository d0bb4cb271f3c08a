package io.github.panamallama.tests;

import io.github.panamallama.examples.Examples;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An example program in its own JVM, driven like a user would: lines to its stdin, signals,
 * stdout and stderr read back separately while it runs.
 */
final class ExampleProcess implements AutoCloseable {
    private final Process process;
    private final Writer stdin;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();
    private final List<Thread> readers = new ArrayList<>();

    private ExampleProcess(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        readers.add(Thread.ofVirtual().start(() -> drain(process.getInputStream(), out)));
        readers.add(Thread.ofVirtual().start(() -> drain(process.getErrorStream(), err)));
    }

    static ExampleProcess start(String... arguments) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Dpanamallama.home=" + NativeToolchain.home(), "-cp", System.getProperty("java.class.path"),
                Examples.class.getName()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("PANAMA_LLAMA_LIBRARY_PATH");
        return new ExampleProcess(builder.start());
    }

    private static void drain(InputStream stream, StringBuffer into) {
        byte[] buffer = new byte[4096];
        try (stream) {
            int n;
            while ((n = stream.read(buffer)) > 0) {
                into.append(new String(buffer, 0, n, StandardCharsets.UTF_8)); // test text is ASCII at chunk edges
            }
        } catch (IOException e) {
            into.append("\n[read failed: ").append(e).append(']');
        }
    }

    void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    void closeInput() throws IOException {
        stdin.close();
    }

    /** Sends a signal the way a terminal's Ctrl-C does (the JDK cannot send SIGINT itself). */
    void interrupt() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -INT " + process.pid() + " failed");
        }
    }

    /** Waits until stdout satisfies the condition. */
    void awaitOut(Predicate<String> condition, Duration timeout) throws InterruptedException {
        await(out, condition, timeout, "stdout");
    }

    void awaitErr(Predicate<String> condition, Duration timeout) throws InterruptedException {
        await(err, condition, timeout, "stderr");
    }

    private void await(StringBuffer buffer, Predicate<String> condition, Duration timeout, String name)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(buffer.toString())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting on " + name + "\n" + transcript());
            }
            if (!process.isAlive() && !condition.test(buffer.toString())) {
                Thread.sleep(200); // let the readers catch up with what it wrote last
                if (!condition.test(buffer.toString())) {
                    throw new AssertionError("the program ended (" + process.exitValue() + ") before " + name
                            + " showed what was expected\n" + transcript());
                }
            }
            Thread.sleep(20);
        }
    }

    /** Waits for the end; returns the exit code. */
    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("did not end within " + timeout + "\n" + transcript());
        }
        for (Thread reader : readers) {
            reader.join(5000);
        }
        return process.exitValue();
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    String transcript() {
        return "--- stdout:\n" + out + "\n--- stderr:\n" + err;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
