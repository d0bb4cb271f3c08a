package io.github.panamallama.tests.examples;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.examples.SyntheticCheckpoint;
import io.github.panamallama.gguf.GgufFile;
import io.github.panamallama.tests.ScriptRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/convert.sh as a user runs it, on a directory and on a release-style .tar. */
class ConvertScriptTest {
    static final Path ROOT = Path.of(System.getProperty("panamallama.home", ".."));

    @TempDir
    Path dir;

    private String run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("TMPDIR", dir.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "timed out: " + output);
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    @Test
    void helpIsUsageOnStdoutAndSuccess() throws Exception {
        for (String flag : List.of("--help", "-h")) {
            ScriptRun run = ScriptRun.run(Duration.ofSeconds(30), ScriptRun.script("convert.sh"), flag);
            assertEquals(0, run.exitCode(), run.describe());
            assertTrue(run.stdout().startsWith("Converts a Mistral") && run.stdout().contains("Usage: scripts/convert.sh"),
                    run.describe());
            assertEquals("", run.stderr());
        }
    }

    @Test
    void missingArgumentsAreUsageOnStderrAndExit2() throws Exception {
        for (String[] arguments : List.of(new String[0], new String[] {"only-an-input"})) {
            ScriptRun run = ScriptRun.run(Duration.ofSeconds(30), ScriptRun.script("convert.sh"), arguments);
            assertEquals(2, run.exitCode(), run.describe());
            assertTrue(run.stderr().contains("Usage: scripts/convert.sh"), run.describe());
            assertEquals("", run.stdout());
        }
    }

    @Test
    void convertsADirectoryAndATar() throws IOException, InterruptedException {
        Path model = Files.createDirectories(dir.resolve("release/tiny"));
        new SyntheticCheckpoint(64, 1, 4, 2, 16, 32, 280).write(model);
        String script = ROOT.resolve("scripts/convert.sh").toString();

        Path fromDirectory = dir.resolve("dir.gguf");
        String output = run(List.of(script, model.toString(), fromDirectory.toString(), "f32", "--name", "x"));
        assertTrue(output.contains("wrote " + fromDirectory), output);

        Path tar = dir.resolve("tiny.tar");
        run(List.of("tar", "-cf", tar.toString(), "-C", dir.resolve("release").toString(), "tiny"));
        Path fromTar = dir.resolve("tar.gguf");
        run(List.of(script, tar.toString(), fromTar.toString(), "f32", "--name", "x"));
        assertEquals(-1, Files.mismatch(fromDirectory, fromTar));
        try (GgufFile gguf = GgufFile.open(fromTar)) {
            assertEquals(0, gguf.get("general.file_type").orElseThrow().asLong());
        }
        try (var left = Files.list(dir)) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().startsWith("convert.")), "temp dir removed");
        }
    }
}
