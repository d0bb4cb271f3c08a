package io.github.panamallama.tests.forked;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the cases of a {@link ForkedCases} class in a fresh JVM with this test's class path, so
 * that a native crash (SIGABRT from a GGML_ASSERT or a C++ exception, SIGSEGV) fails the calling
 * test with the case it happened in and the child's last output, instead of killing Surefire's
 * JVM and every test after it.
 */
public final class ForkedRun {
    private static final long TIMEOUT_SECONDS = 300;

    private ForkedRun() {}

    /** Each case's outcome by name: {@code RETURNED text} or {@code THREW SimpleName: message}. */
    public static Map<String, String> run(Class<? extends ForkedCases> cases, String... arguments)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")));
        String home = System.getProperty("panamallama.home");
        if (home != null) {
            command.add("-Dpanamallama.home=" + home);
        }
        command.add(ForkedCaseChild.class.getName());
        command.add(cases.getName());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // ggml runs gdb for a backtrace before aborting when gdb is installed: slow and noisy.
        builder.environment().put("GGML_NO_BACKTRACE", "1");
        Process process = builder.start();
        process.getOutputStream().close();
        // Read on another thread so a hung child still times out.
        StringBuilder output = new StringBuilder();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try {
                String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                synchronized (output) {
                    output.append(text);
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        });
        boolean finished = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly().waitFor();
        }
        reader.join(10_000);
        String text;
        synchronized (output) {
            text = output.toString();
        }
        Map<String, String> outcomes = new LinkedHashMap<>();
        String running = null;
        for (String line : text.split("\n")) {
            if (line.startsWith(ForkedCaseChild.BEGIN)) {
                running = line.substring(ForkedCaseChild.BEGIN.length());
            } else if (line.startsWith(ForkedCaseChild.END) && running != null) {
                outcomes.put(running, line.substring(ForkedCaseChild.END.length() + running.length() + 1));
                running = null;
            }
        }
        int exit = finished ? process.exitValue() : -1;
        if (!finished || exit != 0 || running != null) {
            String how = !finished ? "hung for " + TIMEOUT_SECONDS + " s (killed)"
                    : exit > 128 ? "was killed by signal " + (exit - 128) + " (exit " + exit + ")" : "exited with " + exit;
            throw new AssertionError("the child JVM running " + cases.getSimpleName() + " " + how
                    + (running != null ? " in case '" + running + "'" : "") + "; its last output:\n" + tail(text, 25));
        }
        return outcomes;
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }
}
