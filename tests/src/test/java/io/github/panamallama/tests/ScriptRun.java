package io.github.panamallama.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of a script in {@code scripts/} as a user types it, with this JVM as
 * {@code JAVA_HOME}: its exit code, and stdout and stderr apart (usage belongs on stdout for
 * {@code --help}, on stderr for a mistake).
 */
public record ScriptRun(int exitCode, String stdout, String stderr) {

    public static Path script(String name) {
        return NativeToolchain.home().resolve("scripts").resolve(name);
    }

    public static ScriptRun run(Duration timeout, Path script, String... arguments) throws IOException, InterruptedException {
        return run(timeout, Map.of(), script, arguments);
    }

    /** With extra environment variables (e.g. {@code JAVA_OPTS}). */
    public static ScriptRun run(Duration timeout, Map<String, String> environment, Path script, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(arguments));
        Path out = Files.createTempFile("script-out", ".txt");
        Path err = Files.createTempFile("script-err", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(NativeToolchain.home().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish within " + timeout + "; stdout:\n"
                        + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
            }
            return new ScriptRun(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** For assertion messages. */
    public String describe() {
        return "exit " + exitCode + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
    }
}
