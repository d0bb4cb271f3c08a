package io.github.panamallama.tests.soak;

import io.github.panamallama.Batch;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Soak loops over the native lifecycle, measuring the process's resident memory (RSS, from
 * /proc/self/status) and the Java heap after a collection, once after a warm-up and then at the
 * end, and printing the growth per 1,000 cycles:
 * <ul>
 * <li>context: create a context, decode a short prompt, close it;
 * <li>model: load the model, tokenize, close it.
 * </ul>
 * Exit status 1 if a loop's RSS grows by more than its limit per 1,000 cycles.
 *
 * <p>The limits. A context of the loop's size owns at least its KV cache, 128 KiB (256 cells,
 * 2 layers, keys and values of 64 F16 values each) plus compute buffers; a loaded model maps
 * the 1.6 MB file and builds its vocabulary. Leaking either per cycle grows RSS by more than
 * 128 MiB or 1.5 GiB per 1,000 cycles. The limits, 4 MiB per 1,000 context cycles and 8 MiB per
 * 1,000 model cycles, catch leaks of a few KiB per cycle and sit above the noise measured on
 * flat loops (10,000 context cycles: under 1 MiB in all). Short runs are judged by a floor of
 * 16 MiB in all instead when that is larger: over a few hundred cycles, one-off steps of a few
 * MiB (a glibc arena growing, the JIT's code cache) would dominate a per-1,000 figure, while a
 * leak of 32 KiB per cycle still fails.
 *
 * <p>Run it with a fixed, pre-touched heap ({@code -Xms64m -Xmx64m -XX:+AlwaysPreTouch}, as
 * scripts/soak.sh and SoakTest do): a heap that grows and shrinks shows up as RSS changes of
 * tens of MiB that say nothing about native memory.
 *
 * <p>Usage: {@code Soak MODEL.gguf [--context-cycles N] [--model-cycles N]}: measured cycles after
 * the warm-up (defaults 10,000 and 1,000; 0 skips a loop).
 */
public final class Soak {
    static final double CONTEXT_LIMIT_MIB = 4;
    static final double MODEL_LIMIT_MIB = 8;
    static final double FLOOR_MIB = 16;
    /**
     * Cycles before the first measurement: until the JIT has compiled the loop and glibc's
     * arenas have reached their working size (measured: RSS still climbs for the first few
     * hundred context cycles, then stays within 1 MiB).
     */
    static final int CONTEXT_WARMUP = 1_000;
    static final int MODEL_WARMUP = 200;
    static final boolean PROGRESS = Boolean.getBoolean("soak.progress");

    /** One loop's measurements ({@code heapWarm}/{@code heapEnd} -1 when the heap could not be read). */
    public record Result(String loop, int cycles, int warmup, long rssWarm, long rssEnd, long heapWarm, long heapEnd,
            double seconds, double limitMiB, double floorMiB) {
        /** With the usual floor ({@link #FLOOR_MIB}). */
        public Result(String loop, int cycles, int warmup, long rssWarm, long rssEnd, long heapWarm, long heapEnd,
                double seconds, double limitMiB) {
            this(loop, cycles, warmup, rssWarm, rssEnd, heapWarm, heapEnd, seconds, limitMiB, FLOOR_MIB);
        }

        double rssGrowthPer1000MiB() {
            return (rssEnd - rssWarm) / 1048576.0 * 1000 / (cycles - warmup);
        }

        double heapGrowthPer1000MiB() {
            return (heapEnd - heapWarm) / 1048576.0 * 1000 / (cycles - warmup);
        }

        /** The allowed growth over the measured cycles: the per-1,000 limit, at least the floor. */
        double allowedMiB() {
            return Math.max(limitMiB * (cycles - warmup) / 1000.0, floorMiB);
        }

        public boolean passed() {
            return (rssEnd - rssWarm) / 1048576.0 <= allowedMiB();
        }

        @Override
        public String toString() {
            String heap = heapWarm < 0 || heapEnd < 0 ? "heap not read"
                    : String.format("heap %6.1f -> %6.1f MiB, %+6.2f MiB per 1,000 cycles", heapWarm / 1048576.0,
                            heapEnd / 1048576.0, heapGrowthPer1000MiB());
            return String.format("%-8s %6d cycles after %d warm-up in %6.1f s: RSS %7.1f -> %7.1f MiB, %+6.2f MiB per"
                    + " 1,000 cycles (allowed %+.1f MiB in all); %s%s",
                    loop, cycles - warmup, warmup, seconds, rssWarm / 1048576.0, rssEnd / 1048576.0, rssGrowthPer1000MiB(),
                    allowedMiB(), heap, passed() ? "" : "  FAILED");
        }
    }

    interface Cycle {
        void run() throws Exception;
    }

    private Soak() {}

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int contextCycles = 10_000;
        int modelCycles = 1_000;
        for (int i = 1; i < args.length; i += 2) {
            switch (args[i]) {
                case "--context-cycles" -> contextCycles = Integer.parseInt(args[i + 1]);
                case "--model-cycles" -> modelCycles = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<Result> results = new ArrayList<>();
        if (contextCycles > 0) {
            soakContexts(model, contextCycles, results);
        }
        if (modelCycles > 0) {
            results.add(loop("model", MODEL_WARMUP, modelCycles, MODEL_LIMIT_MIB, () -> {
                try (LlamaModel loaded = LlamaModel.load(model)) {
                    loaded.vocabulary().tokenize("Once upon a time");
                }
            }));
        }
        results.forEach(System.out::println);
        System.exit(results.stream().allMatch(Result::passed) ? 0 : 1);
    }

    private static void soakContexts(Path model, int cycles, List<Result> results) throws Exception {
        ContextOptions options = ContextOptions.builder().contextLength(256).batchSize(32).threads(1).build();
        try (LlamaModel loaded = LlamaModel.load(model); Batch batch = new Batch(8)) {
            int[] prompt = loaded.vocabulary().tokenize("Once upon a time");
            results.add(loop("context", CONTEXT_WARMUP, cycles, CONTEXT_LIMIT_MIB, () -> {
                try (LlamaContext context = loaded.newContext(options)) {
                    batch.clear();
                    batch.addSequence(prompt, 0, 0, true);
                    context.decode(batch);
                }
            }));
        }
    }

    /** Runs {@code warmup} cycles, measures, runs {@code measured} more, measures again. */
    static Result loop(String name, int warmup, int measured, double limitMiB, Cycle cycle) throws Exception {
        int cycles = warmup + measured;
        long start = System.nanoTime();
        for (int i = 0; i < warmup; i++) {
            cycle.run();
        }
        long heapWarm = heap();
        long rssWarm = rss();
        for (int i = warmup; i < cycles; i++) {
            cycle.run();
            if (PROGRESS && (i + 1) % Math.max(1, cycles / 10) == 0) {
                System.out.printf("  %s %d: RSS %.1f MiB%n", name, i + 1, rss() / 1048576.0);
            }
        }
        long heapEnd = heap();
        long rssEnd = rss();
        return new Result(name, cycles, warmup, rssWarm, rssEnd, heapWarm, heapEnd,
                (System.nanoTime() - start) / 1e9, limitMiB);
    }

    /** Heap in use after a full collection (Cleaners have run their actions by then too). */
    static long heap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Resident set size of this process in bytes (Linux). */
    static long rss() throws IOException {
        return rss(Path.of("/proc/self/status"));
    }

    /** Resident set size of process {@code pid} in bytes (Linux). */
    public static long rss(long pid) throws IOException {
        return rss(Path.of("/proc", Long.toString(pid), "status"));
    }

    private static long rss(Path status) throws IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
