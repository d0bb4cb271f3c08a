package io.github.panamallama.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.gguf.GgufFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
