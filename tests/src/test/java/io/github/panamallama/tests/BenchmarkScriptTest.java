package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * scripts/benchmark.sh right after the README's build ({@code ./mvnw verify}: nothing installed
 * in a local repository), with one round and one thread to stay short: it runs and prints its
 * figures.
 */
class BenchmarkScriptTest {
    private static final Pattern SPEED = Pattern.compile(
            "(prompt processing|generation)\\s+Java\\s+([0-9.]+) tok/s\\s+C\\s+([0-9.]+) tok/s\\s+Java/C median ([0-9.]+)");

    @Test
    void oneRoundPrintsJavaAndCFigures() throws Exception {
        assumeTrue(NativeToolchain.headerTree().isPresent() && NativeToolchain.compiler().isPresent(),
                "the benchmark compiles the C reference program: needs the v0.5.0 headers and a C compiler");
        ScriptRun run = ScriptRun.run(Duration.ofMinutes(5), Map.of("JAVA_OPTS", "-Dbench.threads=1"),
                ScriptRun.script("benchmark.sh"), TestFixtures.tinyMistralF16().toString(), "1");
        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.stdout().contains("1 threads") && run.stdout().contains(", 1 rounds"), run.describe());
        Matcher speeds = SPEED.matcher(run.stdout());
        int lines = 0;
        while (speeds.find()) {
            lines++;
            for (int group = 2; group <= 4; group++) {
                assertTrue(Double.parseDouble(speeds.group(group)) > 0, speeds.group() + "\n" + run.describe());
            }
        }
        assertEquals(2, lines, "prompt processing and generation lines: " + run.describe());
        assertTrue(run.stdout().matches("(?s).*Java heap allocated per generated token: -?[0-9]+ bytes.*"), run.describe());
    }
}
