package io.github.panamallama.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * scripts/benchmark.sh's default mode as the README runs it after the build (nothing installed in
 * a local repository; this module's build wrote the class path the script reads), with one round
 * and one thread to stay short: it runs, and every figure it prints parses and is positive. Here,
 * not in the tests module: the reactor builds this module after that one.
 */
class BenchmarkScriptTest {
    private static final Pattern ROUND = Pattern.compile(
            "(?m)^\\s+0\\s+([0-9.]+) \\|\\s+([0-9.]+)\\s+([0-9.]+) \\|\\s+([0-9.]+)\\s+([0-9.]+) \\|\\s+([0-9.]+) \\|\\s+([0-9.]+)$");
    private static final Pattern SPEED = Pattern.compile(
            "(prompt processing|generation)\\s+Java\\s+([0-9.]+) tok/s\\s+C\\s+([0-9.]+) tok/s\\s+Java/C median ([0-9.]+)"
                    + " \\(rounds ([0-9.]+) - ([0-9.]+)\\)");
    private static final Pattern MEDIAN = Pattern.compile(
            "(?m)^(C loop with per-graph threads|C program in its own process \\(loads the model each run\\)):"
                    + " generation median ([0-9.]+) tok/s$");

    @Test
    void oneRoundPrintsJavaAndCFigures() throws Exception {
        assumeTrue(NativeHarness.available(), "the benchmark compiles the C loop: needs the v0.5.0 headers and a C compiler");
        String script = BenchmarkModels.home().resolve("scripts/benchmark.sh").toString();
        ChildOutput run = ChildOutput.run(List.of("bash", script, BenchmarkModels.tinyMistral().toString(), "1"),
                Map.of("JAVA_HOME", System.getProperty("java.home"), "JAVA_OPTS", "-Dbench.threads=1"), Duration.ofMinutes(5));
        String stdout = String.join("\n", run.stdout());
        String described = stdout + "\n--- stderr:\n" + String.join("\n", run.stderrTail());

        Matcher round = ROUND.matcher(stdout);
        assertTrue(round.find(), "a line for round 0: " + described);
        for (int group = 1; group <= round.groupCount(); group++) {
            assertTrue(Double.parseDouble(round.group(group)) > 0, round.group() + "\n" + described);
        }
        assertTrue(stdout.contains("1 threads, polling 50, 1 rounds"), described);
        Matcher speeds = SPEED.matcher(stdout);
        int lines = 0;
        while (speeds.find()) {
            lines++;
            for (int group = 2; group <= 6; group++) {
                assertTrue(Double.parseDouble(speeds.group(group)) > 0, speeds.group() + "\n" + described);
            }
            // One round: its ratio is the median, the lowest and the highest.
            assertEquals(speeds.group(4), speeds.group(5), speeds.group());
            assertEquals(speeds.group(4), speeds.group(6), speeds.group());
        }
        assertEquals(2, lines, "prompt processing and generation lines: " + described);
        Matcher medians = MEDIAN.matcher(stdout);
        int medianLines = 0;
        while (medians.find()) {
            medianLines++;
            assertTrue(Double.parseDouble(medians.group(2)) > 0, medians.group());
        }
        assertEquals(2, medianLines, "the per-graph and other-process medians: " + described);
        assertTrue(stdout.matches("(?s).*Java heap allocated per generated token: -?[0-9]+ bytes.*"), described);
    }
}
