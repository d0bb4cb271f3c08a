package io.github.panamallama.internal.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * How many physical cores this process may run on: the default compute thread count.
 *
 * <p>ggml's compute threads meet at spin barriers many times per token, so each one should have a
 * core of its own. Two hardware threads of one core share its vector units and slow each other
 * down, which is why llama.cpp's tools default to one thread per physical core, not per hardware
 * thread. {@link Runtime#availableProcessors()} counts hardware threads, capped by the process's
 * CPU affinity and its container's CPU quota; this counts the distinct cores among the CPUs the
 * process may use (Linux: each CPU's {@code topology/core_cpus_list}, or the older
 * {@code thread_siblings_list}), and never more than {@code availableProcessors()}, so a quota
 * still wins. Where the topology cannot be read (other systems, a restricted /sys) it is
 * {@code availableProcessors()}.
 */
public final class PhysicalCores {
    private static final int COUNT = count(Path.of("/sys/devices/system/cpu"), Path.of("/proc/self/status"),
            Runtime.getRuntime().availableProcessors());

    private PhysicalCores() {}

    /** The physical cores this process may use, at least 1. */
    public static int count() {
        return COUNT;
    }

    /**
     * The count for a given {@code /sys/devices/system/cpu}, process status file and processor
     * count; visible for tests, which give it a made-up topology.
     */
    static int count(Path cpuDirectory, Path processStatus, int availableProcessors) {
        int available = Math.max(1, availableProcessors);
        return allowedCpus(processStatus).flatMap(cpus -> distinctCores(cpuDirectory, cpus))
                .map(cores -> Math.clamp(cores, 1, available)).orElse(available);
    }

    private static Optional<BitSet> allowedCpus(Path processStatus) {
        try {
            for (String line : Files.readAllLines(processStatus)) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return Optional.of(parseList(line.substring("Cpus_allowed_list:".length())));
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<Integer> distinctCores(Path cpuDirectory, BitSet cpus) {
        Set<BitSet> cores = new HashSet<>();
        for (int cpu = cpus.nextSetBit(0); cpu >= 0; cpu = cpus.nextSetBit(cpu + 1)) {
            Optional<BitSet> siblings = siblings(cpuDirectory.resolve("cpu" + cpu).resolve("topology"));
            if (siblings.isEmpty()) {
                return Optional.empty();
            }
            cores.add(siblings.get());
        }
        return cores.isEmpty() ? Optional.empty() : Optional.of(cores.size());
    }

    private static Optional<BitSet> siblings(Path topology) {
        for (String name : new String[] {"core_cpus_list", "thread_siblings_list"}) {
            try {
                return Optional.of(parseList(Files.readString(topology.resolve(name))));
            } catch (IOException | RuntimeException e) {
                // try the older name, then give up
            }
        }
        return Optional.empty();
    }

    /** A Linux CPU list such as {@code 0-3,8,10-11}. */
    static BitSet parseList(String list) {
        BitSet cpus = new BitSet();
        for (String part : list.strip().split(",")) {
            if (part.isEmpty()) {
                continue;
            }
            int dash = part.indexOf('-');
            int first = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
            int last = dash < 0 ? first : Integer.parseInt(part.substring(dash + 1));
            if (first < 0 || last < first) {
                throw new IllegalArgumentException("not a CPU range: " + part);
            }
            cpus.set(first, last + 1);
        }
        if (cpus.isEmpty()) {
            throw new IllegalArgumentException("an empty CPU list");
        }
        return cpus;
    }
}
