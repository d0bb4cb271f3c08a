package io.github.panamallama.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The C side of the native tests: the v0.5.0 headers and a C compiler, used to build small
 * programs that report what C itself sees (struct layouts, default values) for comparison.
 */
final class NativeToolchain {
    private NativeToolchain() {}

    static Path home() {
        String home = System.getProperty("panamallama.home");
        if (home == null) {
            throw new IllegalStateException("panamallama.home is not set (the Maven build sets it)");
        }
        return Path.of(home);
    }

    /** A llama.cpp v0.5.0 tree with headers: the submodule if checked out, else the fetched one. */
    static Optional<Path> headerTree() {
        return Stream.of(home().resolve("llama.cpp"), home().resolve("build").resolve("llama.cpp-v0.5.0"))
                .filter(tree -> Files.isRegularFile(tree.resolve("include").resolve("llama.h")))
                .findFirst();
    }

    static Optional<Path> compiler() {
        return Stream.of("cc", "gcc", "clang")
                .flatMap(name -> Stream.of(System.getenv("PATH").split(java.io.File.pathSeparator))
                        .map(dir -> Path.of(dir, name)))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * Linker arguments for the llama.cpp the Java API loaded: libllama, libggml and libggml-base
     * of that directory (plain or versioned names), and an rpath to it, so a C program or library
     * built with them runs on exactly the libraries the Java side uses.
     */
    static List<String> linkToLoadedLibrary() throws IOException {
        Path libraries = io.github.panamallama.LlamaRuntime.get().library().directory();
        List<String> link = new ArrayList<>();
        link.add(io.github.panamallama.LlamaRuntime.get().library().llama().toString());
        for (String name : List.of("ggml", "ggml-base")) {
            try (var files = Files.list(libraries)) {
                files.map(Path::toString)
                        .filter(file -> file.matches(".*/lib" + name + "(\\.v[0-9.]+)?\\.so"))
                        .findFirst().ifPresent(link::add);
            }
        }
        link.add("-Wl,-rpath," + libraries);
        return link;
    }

    /** Compiles {@code source} with extra arguments, failing the test with the compiler's output. */
    static void compile(Path source, Path output, List<String> extraArguments) throws IOException, InterruptedException {
        Path tree = headerTree().orElseThrow();
        List<String> command = new ArrayList<>(List.of(compiler().orElseThrow().toString(), "-std=c11", "-O0",
                "-I", tree.resolve("include").toString(), "-I", tree.resolve("ggml").resolve("include").toString(),
                "-o", output.toString(), source.toString()));
        command.addAll(extraArguments);
        ProcessResult result = ProcessResult.run(command, 120);
        if (result.exitCode() != 0) {
            throw new AssertionError("compiling " + source + " failed:\n" + result.output());
        }
    }

    /** The output of a process, stdout and stderr merged. */
    record ProcessResult(int exitCode, String output) {
        static ProcessResult run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] bytes = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new ProcessResult(process.exitValue(), new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
