package io.github.panamallama.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A finished child process's output, stdout and stderr apart: the child JVMs of the JNI
 * comparison, the C program of the in-process comparison, the script in its test.
 */
record ChildOutput(List<String> stdout, List<String> stderr) {
    /** Runs {@code command} to its end (stdin empty); a non-zero exit or a timeout throws with its stderr. */
    static ChildOutput run(List<String> command, Map<String, String> environment, Duration timeout)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("bench-child-out", ".txt");
        Path err = Files.createTempFile("bench-child-err", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeout + ": " + String.join(" ", command));
            }
            // llama.cpp's logs may cut a UTF-8 character: decode leniently.
            ChildOutput output = new ChildOutput(new String(Files.readAllBytes(out), StandardCharsets.UTF_8).lines().toList(),
                    new String(Files.readAllBytes(err), StandardCharsets.UTF_8).lines().toList());
            if (process.exitValue() != 0) {
                throw new IllegalStateException("exit code " + process.exitValue() + ": " + String.join(" ", command)
                        + "\n" + String.join("\n", output.stderrTail()));
            }
            return output;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    List<String> stderrTail() {
        return stderr.subList(Math.max(0, stderr.size() - 40), stderr.size());
    }
}
