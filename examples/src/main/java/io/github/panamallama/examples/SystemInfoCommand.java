package io.github.panamallama.examples;

import io.github.panamallama.BackendDevice;
import io.github.panamallama.LlamaRuntime;
import io.github.panamallama.NativeLibrary;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints which llama.cpp this process runs on: where it came from, its backends and devices. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print the llama.cpp library in use, its system info, backends and devices.")
final class SystemInfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        LlamaRuntime runtime = LlamaRuntime.get();
        NativeLibrary library = runtime.library();
        out.printf("llama.cpp %s (ggml %s)%n", runtime.llamaVersion(), runtime.ggmlVersion());
        out.printf("loaded from: %s%n", library.llama());
        out.printf("source: %s%n", library.source());
        out.printf("system info: %s%n", runtime.systemInfo().strip());
        out.printf("mmap: %s, mlock: %s, GPU offload: %s%n",
                runtime.supportsMmap(), runtime.supportsMlock(), runtime.supportsGpuOffload());
        runtime.backendLibraries().forEach(file -> out.printf("backend library: %s%n", file.getFileName()));
        out.println("devices:");
        for (BackendDevice device : runtime.devices()) {
            out.printf("  %-8s %-14s backend=%-6s %s, %d MiB free of %d MiB%n",
                    device.name(), device.type(), device.backend(), device.description(),
                    device.freeMemoryBytes() >> 20, device.totalMemoryBytes() >> 20);
        }
        out.flush();
        return 0;
    }
}
