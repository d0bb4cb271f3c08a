package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A JVM started the way an application that depends on panama-llama and its natives jar starts:
 * panama-llama, its dependencies and the natives jar on the class path or the module path, no
 * panama-llama property, and an environment scrubbed of every {@code PANAMA_LLAMA_*} variable
 * (and of {@code XDG_CACHE_HOME}, so that each test decides where the cache is).
 * Its stdout and stderr go to files, read while it runs.
 */
final class ApplicationJvm implements AutoCloseable {
    private final Process process;
    private final Path out;
    private final Path err;
    private final Writer stdin;

    private ApplicationJvm(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** panama-llama, the bindings and the GGUF reader: what Maven puts beside an application that depends on panama-llama. */
    static List<Path> library() {
        List<Path> library = testClassPath().filter(ApplicationJvm::isLibrary).toList();
        if (library.size() != 3) {
            throw new IllegalStateException("panama-llama and its dependencies are not all on the test class path: " + library);
        }
        return library;
    }

    /**
     * The linux-x86_64 natives jar the natives module built (a test dependency of this module on
     * Linux x86-64 hosts; there is none to test elsewhere).
     */
    static Path nativesJar() {
        assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"),
                "the natives module builds the linux-x86_64 jar on Linux x86-64 hosts only");
        return testClassPath()
                .filter(path -> path.getFileName().toString().matches("panama-llama-natives-.*-linux-x86_64\\.jar"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the linux-x86_64 natives jar is not on the test class path"));
    }

    /** This module's test classes, which hold {@link BundledNativesProbe}. */
    static Path testClasses() {
        try {
            return Path.of(BundledNativesProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code options} then {@code -cp library:natives:test-classes BundledNativesProbe arguments}. */
    static ApplicationJvm onClassPath(Path work, Map<String, String> environment, List<String> options, String... arguments)
            throws IOException {
        return onClassPath(work, environment, options, true, arguments);
    }

    /** The same without the natives jar: the mistake of forgetting it. */
    static ApplicationJvm withoutNatives(Path work, Map<String, String> environment, List<String> options, String... arguments)
            throws IOException {
        return onClassPath(work, environment, options, false, arguments);
    }

    private static ApplicationJvm onClassPath(Path work, Map<String, String> environment, List<String> options,
                                              boolean natives, String... arguments) throws IOException {
        List<Path> classPath = new ArrayList<>(library());
        if (natives) {
            classPath.add(nativesJar());
        }
        classPath.add(testClasses());
        List<String> command = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED"));
        command.addAll(options);
        command.addAll(List.of("-cp", join(classPath), BundledNativesProbe.class.getName()));
        command.addAll(List.of(arguments));
        return start(work, environment, command);
    }

    /** {@code options} then {@code -p library:natives:modules -m module/main arguments}: no --add-modules. */
    static ApplicationJvm onModulePath(Path work, Map<String, String> environment, List<String> options,
                                       List<Path> modules, String moduleAndMain, String... arguments) throws IOException {
        List<Path> modulePath = new ArrayList<>(library());
        modulePath.add(nativesJar());
        modulePath.addAll(modules);
        List<String> command = new ArrayList<>(List.of(java(),
                "--enable-native-access=io.github.panamallama,io.github.panamallama.bindings"));
        command.addAll(options);
        command.addAll(List.of("-p", join(modulePath), "-m", moduleAndMain));
        command.addAll(List.of(arguments));
        return start(work, environment, command);
    }

    private static ApplicationJvm start(Path work, Map<String, String> environment, List<String> command) throws IOException {
        Files.createDirectories(work);
        Path out = Files.createTempFile(work, "jvm-", ".out");
        Path err = Files.createTempFile(work, "jvm-", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("PANAMA_LLAMA_") || name.equals("XDG_CACHE_HOME"));
        builder.environment().putAll(environment);
        return new ApplicationJvm(builder.start(), out, err);
    }

    String out() throws IOException {
        return Files.readString(out);
    }

    String err() throws IOException {
        return Files.readString(err);
    }

    String transcript() throws IOException {
        return "--- stdout:\n" + out() + "\n--- stderr:\n" + err();
    }

    /** The value of the first stdout line {@code name: value}. */
    String line(String name) throws IOException {
        var value = out().lines().filter(line -> line.startsWith(name + ": ")).findFirst()
                .map(line -> line.substring(name.length() + 2));
        if (value.isEmpty()) {
            throw new AssertionError("no \"" + name + ":\" line\n" + transcript());
        }
        return value.get();
    }

    void awaitOut(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!out().contains(text)) {
            if (!process.isAlive() && !out().contains(text)) {
                throw new AssertionError("ended (" + process.exitValue() + ") before printing \"" + text + "\"\n" + transcript());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for \"" + text + "\"\n" + transcript());
            }
            Thread.sleep(10);
        }
    }

    void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** Waits for the end and fails with the transcript unless the exit code is 0. */
    ApplicationJvm succeeds() throws IOException, InterruptedException {
        int exitCode = exitCode();
        if (exitCode != 0) {
            throw new AssertionError("exit code " + exitCode + "\n" + transcript());
        }
        return this;
    }

    /** Waits for the end. */
    int exitCode() throws IOException, InterruptedException {
        stdin.close();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("did not end within 120 s\n" + transcript());
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static boolean isLibrary(Path path) {
        String name = path.getFileName().toString();
        return name.matches("panama-llama(-bindings|-gguf)?-\\d.*\\.jar")
                || path.endsWith(Path.of("java-api", "target", "classes"))
                || path.endsWith(Path.of("bindings", "target", "classes"))
                || path.endsWith(Path.of("gguf", "target", "classes"));
    }

    private static Stream<Path> testClassPath() {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(Path::of);
    }

    private static String join(List<Path> paths) {
        return String.join(File.pathSeparator, paths.stream().map(Path::toString).toList());
    }

    private static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
