package io.github.panamallama.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhysicalCoresTest {
    @TempDir
    Path sys;

    /** Eight hardware threads on four cores, numbered as Linux numbers them (cpuN and cpuN+4 share a core). */
    private void fourCoresWithTwoThreadsEach(String fileName) throws IOException {
        for (int cpu = 0; cpu < 8; cpu++) {
            Path topology = Files.createDirectories(sys.resolve("cpu" + cpu).resolve("topology"));
            int core = cpu % 4;
            Files.writeString(topology.resolve(fileName), core + "," + (core + 4) + "\n");
        }
    }

    private Path status(String allowed) throws IOException {
        return Files.writeString(sys.resolve("status"), "Name:\tjava\nCpus_allowed:\tff\nCpus_allowed_list:\t" + allowed + "\n");
    }

    @Test
    void countsCoresNotHardwareThreads() throws IOException {
        fourCoresWithTwoThreadsEach("core_cpus_list");
        assertEquals(4, PhysicalCores.count(sys, status("0-7"), 8));
    }

    @Test
    void readsTheOlderSiblingsFile() throws IOException {
        fourCoresWithTwoThreadsEach("thread_siblings_list");
        assertEquals(4, PhysicalCores.count(sys, status("0-7"), 8));
    }

    @Test
    void countsOnlyTheCpusTheProcessMayUse() throws IOException {
        fourCoresWithTwoThreadsEach("core_cpus_list");
        assertEquals(2, PhysicalCores.count(sys, status("0,4,1"), 3), "cpus 0 and 4 are one core, 1 another");
    }

    @Test
    void aCpuQuotaBelowTheCoresWins() throws IOException {
        fourCoresWithTwoThreadsEach("core_cpus_list");
        assertEquals(2, PhysicalCores.count(sys, status("0-7"), 2), "a container allowed 2 CPUs of 8");
    }

    @Test
    void withoutATopologyItIsTheProcessorCount() throws IOException {
        assertEquals(6, PhysicalCores.count(sys, status("0-5"), 6), "no cpuN/topology files");
        assertEquals(6, PhysicalCores.count(sys, sys.resolve("missing-status"), 6), "no status file");
        assertEquals(1, PhysicalCores.count(sys, sys.resolve("missing-status"), 0), "never below 1");
    }

    @Test
    void thisMachineHasAtLeastOneCoreAndNoMoreThanItsProcessors() {
        int count = PhysicalCores.count();
        assertTrue(count >= 1 && count <= Runtime.getRuntime().availableProcessors(), "count " + count);
    }

    @Test
    void parsesCpuLists() {
        BitSet cpus = PhysicalCores.parseList("0-3,8,10-11\n");
        assertEquals("{0, 1, 2, 3, 8, 10, 11}", cpus.toString());
        assertThrows(IllegalArgumentException.class, () -> PhysicalCores.parseList("3-1"));
        assertThrows(IllegalArgumentException.class, () -> PhysicalCores.parseList(""));
        assertThrows(NumberFormatException.class, () -> PhysicalCores.parseList("a-b"));
    }
}
