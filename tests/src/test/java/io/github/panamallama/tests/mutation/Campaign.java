package io.github.panamallama.tests.mutation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loads every mutant of a {@link MutantCatalog} in child JVMs, {@code workers} at a time, each
 * child taking a batch of mutants. A child that dies (a signal: llama.cpp's GGML_ASSERT aborts,
 * a segfault) or stops answering is a failure of the mutant it was on; the campaign carries on
 * with a fresh child from the next mutant, so one run reports every crash, not only the first.
 *
 * <p>Usage: {@code Campaign FIXTURE.gguf [--mutants N] [--seed S] [--workers W]}; {@code --mutants}
 * is the number of random mutants on top of the systematic ones. Exit status 1 if any child died.
 */
public final class Campaign {
    /** A mutant the child did not finish: it died or hung on it. */
    public record Crash(int index, String recipe, String how, List<String> lastOutput) {
        @Override
        public String toString() {
            return "mutant " + index + " [" + recipe + "] " + how + "\n    " + String.join("\n    ", lastOutput);
        }
    }

    /** What one campaign found. */
    public record Summary(int mutants, int loaded, Map<String, Integer> refusedByMessage, List<Crash> crashes,
            Duration elapsed, int children, Map<Integer, String> outcomes) {
        public int refused() {
            return refusedByMessage.values().stream().mapToInt(Integer::intValue).sum();
        }

        public String report() {
            StringBuilder text = new StringBuilder();
            text.append(String.format("mutants: %d, loaded (context + 3 tokens): %d, refused with an exception: %d,"
                    + " killed by a signal or hung: %d; %d child JVMs, %.1f s%n", mutants, loaded, refused(),
                    crashes.size(), children, elapsed.toMillis() / 1000.0));
            text.append("refused, grouped by message (numbers as #):\n");
            refusedByMessage.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .forEach(e -> text.append(String.format("%6d  %s%n", e.getValue(), e.getKey())));
            crashes.forEach(c -> text.append("CRASH ").append(c).append('\n'));
            return text.toString();
        }
    }

    private final Path fixture;
    private final String spec;
    private final int workers;
    private final int batchSize;
    private final Duration mutantTimeout = Duration.ofSeconds(60);

    /** @param spec which mutants: {@link MutantList#of} */
    public Campaign(Path fixture, String spec, int workers, int batchSize) {
        this.fixture = fixture;
        this.spec = spec;
        this.workers = workers;
        this.batchSize = batchSize;
    }

    public Summary run(Path scratch) throws IOException, InterruptedException {
        MutantList catalog = MutantList.of(spec, GgufLayout.parse(Files.readAllBytes(fixture)));
        long start = System.nanoTime();
        Deque<int[]> batches = new ArrayDeque<>();
        for (int from = 0; from < catalog.size(); from += batchSize) {
            batches.add(new int[] {from, Math.min(catalog.size(), from + batchSize)});
        }
        ConcurrentLinkedQueue<int[]> queue = new ConcurrentLinkedQueue<>(batches);
        Map<String, Integer> refused = Collections.synchronizedMap(new TreeMap<>());
        List<Crash> crashes = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger loaded = new AtomicInteger();
        Map<Integer, String> outcomes = Collections.synchronizedMap(new TreeMap<>());
        AtomicInteger children = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            futures.add(pool.submit(() -> {
                int[] batch;
                while ((batch = queue.poll()) != null) {
                    int next = batch[0];
                    while (next < batch[1]) {
                        children.incrementAndGet();
                        next = runChild(catalog, next, batch[1], scratch, refused, crashes, loaded, outcomes);
                    }
                }
                return null;
            }));
        }
        pool.shutdown();
        for (Future<?> future : futures) {
            try {
                future.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("campaign worker failed", e.getCause());
            }
        }
        crashes.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return new Summary(catalog.size(), loaded.get(), refused, crashes,
                Duration.ofNanos(System.nanoTime() - start), children.get(), outcomes);
    }

    /** Runs one child from {@code from}; returns the index to resume at (past a crashed mutant). */
    private int runChild(MutantList catalog, int from, int to, Path scratch, Map<String, Integer> refused,
            List<Crash> crashes, AtomicInteger loaded, Map<Integer, String> outcomes)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp",
                System.getProperty("java.class.path")));
        String home = System.getProperty("panamallama.home");
        if (home != null) {
            command.add("-Dpanamallama.home=" + home);
        }
        command.addAll(List.of(MutantChild.class.getName(), fixture.toString(), spec, Integer.toString(from),
                Integer.toString(to), scratch.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // ggml prints a backtrace through gdb before it aborts, when gdb is installed: slow, and
        // it pushes the GGML_ASSERT line out of the tail the report shows.
        builder.environment().put("GGML_NO_BACKTRACE", "1");
        Process process = builder.start();
        process.getOutputStream().close();
        Deque<String> tail = new ArrayDeque<>();
        int current = -1;
        int lastEnded = from - 1;
        int resumeAt = to;
        long[] lastProgress = {System.nanoTime()};
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                while (process.isAlive()) {
                    Thread.sleep(1000);
                    if (System.nanoTime() - lastProgress[0] > mutantTimeout.toNanos()) {
                        process.destroyForcibly();
                    }
                }
            } catch (InterruptedException ignored) {
                // the child finished
            }
        });
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(MutantChild.BEGIN)) {
                    current = Integer.parseInt(line.substring(MutantChild.BEGIN.length()).trim());
                    tail.clear();
                    lastProgress[0] = System.nanoTime();
                } else if (line.startsWith(MutantChild.END)) {
                    String rest = line.substring(MutantChild.END.length());
                    String outcome = rest.substring(rest.indexOf(' ') + 1);
                    outcomes.put(current, outcome);
                    lastEnded = current;
                    if (outcome.startsWith("LOADED")) {
                        loaded.incrementAndGet();
                    } else {
                        refused.merge(normalize(outcome), 1, Integer::sum);
                    }
                    current = -1;
                } else {
                    tail.addLast(line);
                    if (tail.size() > 12) {
                        tail.removeFirst();
                    }
                }
            }
        }
        process.waitFor(30, TimeUnit.SECONDS);
        watchdog.interrupt();
        int exit = process.exitValue();
        if (current >= 0) {
            boolean hung = System.nanoTime() - lastProgress[0] > mutantTimeout.toNanos();
            String how = hung ? "hung for " + mutantTimeout.toSeconds() + " s (killed)"
                    : exit > 128 ? "killed by signal " + (exit - 128) + " (exit " + exit + ")" : "exit " + exit;
            crashes.add(new Crash(current, catalog.get(current).recipe() + " (" + spec + ")", how, List.copyOf(tail)));
            resumeAt = current + 1;
        } else if (exit != 0 || lastEnded < to - 1) {
            // Died between mutants, or stopped early: report where, and carry on after it.
            crashes.add(new Crash(lastEnded + 1, "child failed outside a mutant", "exit " + exit, List.copyOf(tail)));
            resumeAt = Math.min(to, lastEnded + 2);
        }
        return resumeAt;
    }

    /** Groups messages: no paths, numbers as #, at most 110 characters. */
    static String normalize(String outcome) {
        String text = outcome.replaceFirst("^REFUSED ", "")
                .replaceAll("Cannot load model /\\S*\\.gguf: ", "")
                .replace("llama_model_load: error loading model: ", "")
                .replace("; llama_model_load_from_file_impl: failed to load model", "")
                .replaceAll("'[^']*'", "'...'")
                .replaceAll("\\d+", "#")
                .replaceAll("\\s+", " ");
        return text.length() > 150 ? text.substring(0, 150) + "..." : text;
    }

    public static void main(String[] args) throws Exception {
        Path fixture = Path.of(args[0]);
        int mutants = 1000;
        long seed = 1;
        int workers = 2;
        for (int i = 1; i < args.length; i += 2) {
            switch (args[i]) {
                case "--mutants" -> mutants = Integer.parseInt(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--workers" -> workers = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path scratch = Files.createTempDirectory("panama-llama-mutants");
        Summary summary;
        try {
            summary = new Campaign(fixture, MutantList.catalog(seed, mutants), workers, 400).run(scratch);
        } finally {
            // A child that died left its mutant file behind.
            try (var files = Files.list(scratch)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(scratch);
        }
        System.out.print(summary.report());
        System.exit(summary.crashes().isEmpty() ? 0 : 1);
    }
}
