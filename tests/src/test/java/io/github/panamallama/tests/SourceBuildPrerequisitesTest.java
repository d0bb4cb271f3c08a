package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/build-llama-cpp.sh on a machine without cmake or a C++ compiler: a developer's build
 * goes on, with the second test pass reported as skipped for that reason ({@link
 * SourceBuildSkipped} reads the marker the script leaves), while CI fails rather than skip.
 * The machine is simulated with a PATH that holds only the few tools the script needs before its
 * check.
 */
class SourceBuildPrerequisitesTest {
    @TempDir
    Path temp;

    private record Run(int exitCode, String stderr) {}

    private Run runWithoutToolchain(Path testHome, boolean ci) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        for (String tool : List.of("dirname", "mkdir", "sed", "rm")) {
            Path link = bin.resolve(tool);
            if (!Files.exists(link)) {
                Files.createSymbolicLink(link, Path.of("/usr/bin", tool).toRealPath());
            }
        }
        ProcessBuilder builder = new ProcessBuilder("/bin/bash", ScriptRun.script("build-llama-cpp.sh").toString(),
                "--test-home", testHome.toString()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("PATH", bin.toString());
        builder.environment().remove("CI");
        if (ci) {
            builder.environment().put("CI", "true");
        }
        Process process = builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the script ended");
        return new Run(process.exitValue(), stderr);
    }

    @Test
    void aDeveloperBuildSkipsTheSourcePassAndSaysWhy() throws Exception {
        Path home = temp.resolve("view");
        Run run = runWithoutToolchain(home, false);
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("cmake") && run.stderr().contains("C++ compiler"), run.stderr());
        String reason = Files.readString(home.resolve("SKIPPED"));
        assertTrue(reason.startsWith("llama.cpp source build skipped: cmake") && reason.contains("not found"), reason);
        assertTrue(reason.contains("scripts/install-prerequisites.sh"), "names the fix: " + reason);
    }

    @Test
    void ciFailsInsteadOfSkipping() throws Exception {
        Path home = temp.resolve("ci-view");
        Run run = runWithoutToolchain(home, true);
        assertEquals(1, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("CI must build it"), run.stderr());
        assertFalse(Files.exists(home.resolve("SKIPPED")), "no marker: CI does not skip");
    }
}
