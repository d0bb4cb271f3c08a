package io.github.panamallama.benchmarks;

import io.github.panamallama.LlamaRuntime;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A C file of {@code benchmarks/src/main/native/}, compiled (-O2) against the v0.5.0 headers into a
 * shared library linked to the llama.cpp the Java API loaded, and loaded into this JVM: C code
 * that runs on the API's own model and context objects, in the same process. Or C files compiled
 * into a program on the same libraries, to run as a process of its own.
 */
final class NativeHarness {
    private NativeHarness() {}

    /** Whether a C compiler and the v0.5.0 headers are here. */
    static boolean available() {
        return headers().isPresent() && compiler().isPresent();
    }

    static SymbolLookup load(String sourceName) throws IOException, InterruptedException {
        Path library = compile(sourceName.replace(".c", ".so"), List.of("-shared", "-fPIC"), sourceName);
        return SymbolLookup.libraryLookup(library, Arena.global());
    }

    /**
     * C files of that directory compiled into one program, linked to the same libraries: llama.cpp
     * in a process of its own. It loads its CPU backend itself, from
     * {@code LlamaRuntime.get().library().directory()}.
     */
    static Path program(String name, String... sourceNames) throws IOException, InterruptedException {
        return compile(name, List.of(), sourceNames);
    }

    private static Path compile(String outputName, List<String> kind, String... sourceNames)
            throws IOException, InterruptedException {
        Path home = BenchmarkModels.home();
        Path sources = home.resolve("benchmarks/src/main/native");
        Path headers = headers().orElseThrow(() -> new IllegalStateException("no llama.cpp v0.5.0 headers under " + home
                + " (llama.cpp/ or build/llama.cpp-v0.5.0/, which scripts/fetch-natives.sh unpacks)"));
        Path libraries = LlamaRuntime.get().library().directory();
        Path output = Files.createTempDirectory("panama-llama-bench").resolve(outputName);
        String compiler = compiler().orElseThrow(() -> new IllegalStateException(
                "no C compiler (cc, gcc or clang) on the PATH: scripts/install-prerequisites.sh installs gcc"));
        List<String> command = new ArrayList<>(List.of(compiler, "-std=c11", "-O2"));
        command.addAll(kind);
        command.addAll(List.of("-I", sources.toString(), "-I", headers.resolve("include").toString(),
                "-I", headers.resolve("ggml/include").toString(), "-o", output.toString()));
        for (String sourceName : sourceNames) {
            command.add(sources.resolve(sourceName).toString());
        }
        command.add(LlamaRuntime.get().library().llama().toString());
        for (String name : List.of("ggml", "ggml-base")) {
            library(libraries, name).ifPresent(library -> command.add(library.toString()));
        }
        command.add("-Wl,-rpath," + libraries);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("compiling " + String.join(", ", sourceNames) + " failed: "
                    + String.join(" ", command) + "\n" + log);
        }
        return output;
    }

    private static Optional<Path> library(Path directory, String name) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().matches("lib" + name + "(\\.v[0-9.]+)?\\.so"))
                    .findFirst();
        }
    }

    /** The submodule's headers if checked out, else the fetched v0.5.0 tree's. */
    private static Optional<Path> headers() {
        Path home = BenchmarkModels.home();
        return Stream.of(home.resolve("llama.cpp"), home.resolve("build/llama.cpp-v0.5.0"))
                .filter(tree -> Files.isRegularFile(tree.resolve("include/llama.h")))
                .findFirst();
    }

    private static Optional<String> compiler() {
        for (String name : List.of("cc", "gcc", "clang")) {
            for (String directory : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
                if (Files.isExecutable(Path.of(directory, name))) {
                    return Optional.of(Path.of(directory, name).toString());
                }
            }
        }
        return Optional.empty();
    }
}
