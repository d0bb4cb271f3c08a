package io.github.panamallama.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a JVM of its own, as a reader would run a snippet: its own working
 * directory (relative paths resolve there), its own output, and a native crash that stays there.
 */
final class ForkedJvm {
    private final String classPath;
    private final Path projectHome;
    private final Duration timeout;

    /** How a run ended; {@code output} is stdout and stderr together. */
    record Outcome(boolean timedOut, int exitCode, String output) {
        boolean succeeded() {
            return !timedOut && exitCode == 0;
        }
    }

    ForkedJvm(String classPath, Path projectHome, Duration timeout) {
        this.classPath = classPath;
        this.projectHome = projectHome;
        this.timeout = timeout;
    }

    Outcome run(String mainClass, Path workingDirectory) throws IOException, InterruptedException {
        Path output = workingDirectory.resolve("output.txt");
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                // A snippet runs for a second or two: the JIT's higher tiers would cost more than they gain.
                "-XX:TieredStopAtLevel=1",
                "-Dpanamallama.home=" + projectHome,
                "-classpath", classPath,
                mainClass))
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            process.destroyForcibly().waitFor();
        }
        return new Outcome(!finished, finished ? process.exitValue() : -1, new String(Files.readAllBytes(output), StandardCharsets.UTF_8));
    }
}
