package io.github.panamallama.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/benchmark.sh --7b} end to end on the tiny-Mistral Q4_0 fixture (given with
 * --model, so no 7B model is made), one round, one thread: the machine line names the CPU and the
 * CPU variant, and every row of the table is there with figures that parse.
 */
class LargeModelScriptTest {
    private static final Pattern ROW = Pattern.compile("(?m)^\\| (.+?)\\s+\\| (.+) \\|$");
    private static final Pattern RATIO = Pattern.compile(
            "Java\\s+([0-9.]+) tok/s C\\s+([0-9.]+) tok/s Java/C median ([0-9.]+) \\(rounds ([0-9.]+) - ([0-9.]+)\\)");
    private static final Pattern NUMBER = Pattern.compile("[0-9]+(\\.[0-9]+)?");

    @Test
    void tinyModelGivesEveryRow() throws Exception {
        assumeTrue(NativeHarness.available(), "the benchmark compiles the C loop: needs the v0.5.0 headers and a C compiler");
        String model = BenchmarkModels.home().resolve("build/fixtures/tiny-mistral/tiny-mistral-q4_0.gguf").toString();
        ChildOutput run = script("--7b", "--rounds", "1", "--model", model);
        String stdout = String.join("\n", run.stdout());
        String described = stdout + "\n--- stderr:\n" + String.join("\n", run.stderrTail());

        assertTrue(stdout.matches("(?s).*CPU \".+\" \\([0-9]+ cores; [^)]*\\), ggml CPU variant libggml-cpu-[a-z0-9]+\\.so.*"),
                described);
        assertTrue(stdout.contains("1 threads, 1 rounds"), described);
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher row = ROW.matcher(stdout);
        while (row.find()) {
            rows.put(row.group(1), row.group(2));
        }
        assertEquals(List.of("what", "---", "pp512, Java API vs C loop in one process",
                "tg128 (after that prompt), Java API vs C loop",
                "model load, repacking on / off (fresh JVM, file in page cache)", "context creation, 4K / 32K (F16 KV)",
                "RSS after context creation, 4K, repacking on / off", "RSS after context creation, 32K, repacking on / off",
                "generation, 4K context, repacking on / off", "KV cache at 32K, F16 / Q8_0 (llama.cpp's size)",
                "RSS at 32K, F16 / Q8_0 KV (repacking on)", "generation at 32K context, F16 / Q8_0 KV"),
                rows.keySet().stream().map(key -> key.startsWith("---") ? "---" : key).toList(), described);
        for (String ratioRow : List.of("pp512, Java API vs C loop in one process", "tg128 (after that prompt), Java API vs C loop")) {
            Matcher ratio = RATIO.matcher(rows.get(ratioRow));
            assertTrue(ratio.matches(), rows.get(ratioRow));
            for (int group = 1; group <= 5; group++) {
                assertTrue(Double.parseDouble(ratio.group(group)) > 0, ratio.group());
            }
            // One round: its ratio is the median, the lowest and the highest.
            assertEquals(ratio.group(3), ratio.group(4), ratio.group());
            assertEquals(ratio.group(3), ratio.group(5), ratio.group());
        }
        rows.entrySet().stream().skip(4).forEach(entry -> {
            List<Double> figures = numbers(entry.getValue());
            assertTrue(figures.size() >= 2 && figures.stream().allMatch(figure -> figure > 0), entry.toString());
        });
        List<Double> kv = numbers(rows.get("KV cache at 32K, F16 / Q8_0 (llama.cpp's size)"));
        assertTrue(kv.get(1) < kv.get(0), "a Q8_0 cache is smaller than an F16 one: " + kv);
    }

    @Test
    void unknownOptionIsNamed() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> script("--7b", "--round", "3"));
        assertTrue(e.getMessage().contains("exit code 2") && e.getMessage().contains("unknown --7b option: --round"),
                e.getMessage());
    }

    private static ChildOutput script(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash",
                BenchmarkModels.home().resolve("scripts/benchmark.sh").toString()));
        command.addAll(List.of(arguments));
        return ChildOutput.run(command, Map.of("JAVA_HOME", System.getProperty("java.home"), "JAVA_OPTS",
                "-Dbench.threads=1"), Duration.ofMinutes(5));
    }

    private static List<Double> numbers(String text) {
        return NUMBER.matcher(text).results().map(match -> Double.parseDouble(match.group())).toList();
    }
}
