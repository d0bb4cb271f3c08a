package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every script in {@code scripts/} answers {@code --help} and {@code -h} with its usage on
 * stdout and exit code 0, before doing anything (no build, no download, no install). Scripts
 * added later are covered too: the list is read from the directory.
 */
class ScriptHelpTest {
    static Stream<String> scripts() throws IOException {
        try (Stream<Path> files = Files.list(NativeToolchain.home().resolve("scripts"))) {
            List<String> names = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.containsAll(List.of("convert.sh", "benchmark.sh", "example", "quantize.sh")), "scripts found: " + names);
            return names.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void helpPrintsUsageToStdoutAndSucceeds(String name) throws Exception {
        for (String flag : List.of("--help", "-h")) {
            ScriptRun run = ScriptRun.run(Duration.ofSeconds(90), ScriptRun.script(name), flag);
            assertEquals(0, run.exitCode(), name + " " + flag + ": " + run.describe());
            assertTrue(run.stdout().contains("Usage"), name + " " + flag + " prints its usage: " + run.describe());
            assertTrue(run.stdout().contains(name), name + " " + flag + " names itself: " + run.describe());
        }
    }

    /** Scripts that take no arguments refuse an unknown one instead of running anyway. */
    @ParameterizedTest
    @ValueSource(strings = {"checkout-llama-cpp.sh", "install-prerequisites.sh", "supply-natives.sh"})
    void unknownArgumentIsUsageOnStderrAndExit2(String name) throws Exception {
        ScriptRun run = ScriptRun.run(Duration.ofSeconds(30), ScriptRun.script(name), "--frobnicate");
        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.stderr().contains("--frobnicate") && run.stderr().contains("Usage"), run.describe());
        assertFalse(run.stdout().contains("Usage"), run.describe());
    }
}
