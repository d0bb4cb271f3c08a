package io.github.panamallama.benchmarks;

import io.github.panamallama.LlamaRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which machine a figure comes from: the CPU's model name, the instruction-set flags ggml's CPU
 * variants are chosen by, the CPU variant llama.cpp loaded, and how busy the machine was.
 */
record MachineDescription(String cpuModel, List<String> notableFlags, List<String> cpuBackends) {
    /** The flags that decide ggml's CPU variant and its matrix kernels, in this order. */
    private static final List<String> NOTABLE = List.of("avx", "avx2", "fma", "f16c", "avx_vnni", "avx512f",
            "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_int8", "amx_bf16");

    static MachineDescription current() throws IOException {
        List<String> cpuinfo = Files.readAllLines(Path.of("/proc/cpuinfo"));
        String model = field(cpuinfo, "model name");
        Set<String> flags = Set.of(field(cpuinfo, "flags").split("\\s+"));
        List<String> backends = LlamaRuntime.get().backendLibraries().stream()
                .map(library -> library.getFileName().toString()).filter(name -> name.contains("cpu")).toList();
        return new MachineDescription(model, NOTABLE.stream().filter(flags::contains).toList(), backends);
    }

    private static String field(List<String> cpuinfo, String name) {
        return cpuinfo.stream().filter(line -> line.startsWith(name)).findFirst()
                .map(line -> line.substring(line.indexOf(':') + 1).strip()).orElse("unknown");
    }

    /** The 1-, 5- and 15-minute load averages, as uptime prints them. */
    static String loadAverage() {
        try {
            return Arrays.stream(Files.readString(Path.of("/proc/loadavg")).split("\\s+")).limit(3)
                    .collect(Collectors.joining(" "));
        } catch (IOException e) {
            return "unknown";
        }
    }

    String describe() {
        return "CPU \"" + cpuModel + "\" (" + Runtime.getRuntime().availableProcessors() + " cores; "
                + String.join(" ", notableFlags) + "), ggml CPU variant " + String.join(", ", cpuBackends);
    }
}
