package io.github.panamallama.tests;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.panamallama.Completion;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.LlamaRuntime;
import io.github.panamallama.NativeLibrary;
import io.github.panamallama.NativeLibraryException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application with panama-llama and the linux-x86_64 natives jar, and no setting at all,
 * gets a working library: on the class path, on the module path as a named module, with two
 * JVMs starting at once on an empty cache, after the cache was damaged, with a read-only home.
 * Every JVM here is a fresh one ({@link ApplicationJvm}); the library it loads is the extracted
 * copy, and it generates exactly what this JVM generates with the checkout's copy of the same
 * release.
 */
class BundledNativesTest {
    private static final Pattern EXTRACTED = Pattern.compile("Extracted natives linux-x86_64 .* in (\\d+) ms");
    private static final Pattern VERIFIED = Pattern.compile("Verified cached natives .* in (\\d+) ms");
    private static String expectedGeneration;

    @TempDir
    Path temp;

    @BeforeAll
    static void generateInThisJvm() {
        try (LlamaModel model = LlamaModel.load(model())) {
            expectedGeneration = BundledNativesProbe.generate(model);
        }
    }

    private static Path model() {
        return TestFixtures.tinyMistralF16();
    }

    /** A home directory for the child JVM, so no test writes into the real user's cache. */
    private Path home() throws IOException {
        return Files.createDirectories(temp.resolve("home"));
    }

    private ApplicationJvm onClassPath(List<String> options, String... arguments) throws IOException {
        return ApplicationJvm.onClassPath(temp.resolve("runs"), Map.of(), options, arguments);
    }

    /** The run loaded the bundled library from under {@code cacheRoot} and generated what this JVM does. */
    private static Path assertBundledFrom(ApplicationJvm jvm, Path cacheRoot) throws IOException {
        assertEquals("none", jvm.line("settings"), "no panama-llama setting reached the JVM");
        assertEquals("BUNDLED", jvm.line("source"), jvm.transcript());
        Path directory = Path.of(jvm.line("directory"));
        assertEquals(cacheRoot.toRealPath(), directory.getParent(), jvm.transcript());
        assertTrue(directory.getFileName().toString().matches("linux-x86_64-[0-9a-f]{16}"), directory.toString());
        assertTrue(Integer.parseInt(jvm.line("tokens")) > 1, jvm.transcript());
        assertEquals(expectedGeneration, jvm.line("generated"), jvm.transcript());
        return directory;
    }

    @Test
    void onTheClassPathWithNoSettingItLoadsFromTheHomeCache() throws Exception {
        Path home = home();
        try (ApplicationJvm jvm = onClassPath(List.of("-Duser.home=" + home), model().toString()).succeeds()) {
            Path directory = assertBundledFrom(jvm, home.resolve(".cache/panama-llama/natives"));
            assertFalse(Files.exists(directory.resolve("llama-addon.node")));
            assertFalse(Files.exists(directory.resolve("libllama-common.so")), "libllama does not need llama.cpp's common library");
        }
    }

    @Test
    void xdgCacheHomeIsHonoured() throws Exception {
        Path xdg = temp.resolve("xdg");
        try (ApplicationJvm jvm = ApplicationJvm.onClassPath(temp.resolve("runs"), Map.of("XDG_CACHE_HOME", xdg.toString()),
                List.of("-Duser.home=" + home()), model().toString()).succeeds()) {
            assertBundledFrom(jvm, xdg.resolve("panama-llama/natives"));
        }
    }

    @Test
    void onTheModulePathANamedModuleThatOnlyRequiresPanamaLlamaFindsTheNativesJar() throws Exception {
        Path source = temp.resolve("src/demo.app");
        Files.createDirectories(source.resolve("demo"));
        Files.writeString(source.resolve("module-info.java"), "module demo.app { requires io.github.panamallama; }\n");
        Files.writeString(source.resolve("demo/Main.java"), """
                package demo;

                import io.github.panamallama.*;
                import java.nio.file.Path;

                public class Main {
                    public static void main(String[] args) {
                        System.out.println("settings: " + (System.getProperties().stringPropertyNames().stream()
                                .anyMatch(name -> name.startsWith("panamallama.")) ? "some" : "none"));
                        System.out.println("application module: " + Main.class.getModule().getName());
                        System.out.println("natives module: " + ModuleLayer.boot().findModule("io.github.panamallama.natives.linux.x86_64")
                                .map(module -> module.getDescriptor().isAutomatic() ? "automatic" : "explicit").orElse("absent"));
                        NativeLibrary library = LlamaRuntime.get().library();
                        System.out.println("source: " + library.source());
                        System.out.println("directory: " + library.directory());
                        try (LlamaModel model = LlamaModel.load(Path.of(args[0]));
                             LlamaContext context = model.newContext(ContextOptions.builder().contextLength(128).threads(1).build())) {
                            System.out.println("tokens: " + model.vocabulary().tokenize("Hello world", true, false).length);
                            Completion completion = context.complete("Once upon a time", GenerationOptions.builder().maxTokens(8).build());
                            System.out.println("generated: " + completion.tokens().length + " tokens " + completion.text().replaceAll("\\\\s", "_"));
                        }
                    }
                }
                """);
        Path classes = temp.resolve("modules/demo.app");
        List<String> javac = List.of("-d", classes.toString(), "-p",
                String.join(java.io.File.pathSeparator, ApplicationJvm.library().stream().map(Path::toString).toList()),
                source.resolve("module-info.java").toString(), source.resolve("demo/Main.java").toString());
        assertEquals(0, javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, javac.toArray(String[]::new)));
        Path home = home();
        try (ApplicationJvm jvm = ApplicationJvm.onModulePath(temp.resolve("runs"), Map.of(), List.of("-Duser.home=" + home),
                List.of(classes), "demo.app/demo.Main", model().toString()).succeeds()) {
            assertEquals("demo.app", jvm.line("application module"));
            assertEquals("automatic", jvm.line("natives module"), "resolved through service binding alone");
            assertBundledFrom(jvm, home.resolve(".cache/panama-llama/natives"));
        }
    }

    @Test
    void twoJvmsStartingAtOnceOnAnEmptyCacheBothLoadAndExtractOnce() throws Exception {
        Path cache = temp.resolve("cache");
        Path gate = temp.resolve("gate");
        List<String> options = List.of("-Duser.home=" + home(), "-Djava.util.logging.config.file=" + debugLogging());
        Map<String, String> environment = Map.of("XDG_CACHE_HOME", cache.toString());
        try (ApplicationJvm first = ApplicationJvm.onClassPath(temp.resolve("runs"), environment, options,
                     model().toString(), "--gate", gate.toString());
             ApplicationJvm second = ApplicationJvm.onClassPath(temp.resolve("runs"), environment, options,
                     model().toString(), "--gate", gate.toString())) {
            first.awaitOut("settings:", Duration.ofSeconds(60));
            second.awaitOut("settings:", Duration.ofSeconds(60));
            Files.createFile(gate); // both are up and polling: they load at the same moment
            first.succeeds();
            second.succeeds();
            Path root = cache.resolve("panama-llama/natives");
            Path directory = assertBundledFrom(first, root);
            assertEquals(directory, assertBundledFrom(second, root));
            String logs = first.err() + second.err();
            assertEquals(1, Pattern.compile("Extracting natives").matcher(logs).results().count(),
                    "one JVM extracts, the other waits for it (or comes after it) and uses its copy\n"
                    + first.transcript() + second.transcript());
            assertTrue(logs.contains("were extracted by another process while this one waited")
                    || logs.contains("Verified cached natives"), logs);
            try (Stream<Path> entries = Files.list(root)) {
                assertEquals(List.of(directory.getFileName().toString(), directory.getFileName() + ".lock"),
                        entries.map(entry -> entry.getFileName().toString()).sorted().toList(), "no staging directory left");
            }
        }
    }

    @Test
    void withoutTheNativesJarTheErrorSaysWhatToAdd() throws Exception {
        Path empty = Files.createDirectories(temp.resolve("empty"));
        try (ApplicationJvm jvm = ApplicationJvm.withoutNatives(temp.resolve("runs"), Map.of(),
                List.of("-Duser.home=" + home(), "-Djava.library.path=" + empty), model().toString())) {
            assertEquals(1, jvm.exitCode(), jvm.transcript());
            String err = jvm.err();
            assertTrue(err.contains("NativeLibraryException: No usable llama.cpp 0.5.0 library found. Tried:\n"
                    + "  - JAVA_LIBRARY_PATH " + empty + " (java.library.path): no libllama.so there\n"), err);
            assertTrue(err.contains("The order: an explicit directory (alone, when set); the checkout's CMake build"), err);
            assertTrue(err.contains("To fix: add io.github.panamallama:panama-llama-natives with classifier linux-x86_64"), err);
        }
    }

    @Test
    void aConfiguredCacheDirectoryIsUsed() throws Exception {
        Path configured = temp.resolve("configured");
        List<String> options = List.of("-Duser.home=" + home(), "-Dpanamallama.cache.dir=" + configured);
        try (ApplicationJvm jvm = onClassPath(options, model().toString()).succeeds()) {
            assertEquals("panamallama.cache.dir", jvm.line("settings"));
            assertEquals("BUNDLED", jvm.line("source"));
            assertEquals(configured.toRealPath(), Path.of(jvm.line("directory")).getParent());
        }
        Path fromEnvironment = temp.resolve("from-environment");
        try (ApplicationJvm jvm = ApplicationJvm.onClassPath(temp.resolve("runs"),
                Map.of("PANAMA_LLAMA_CACHE_DIR", fromEnvironment.toString()), List.of("-Duser.home=" + home()),
                model().toString()).succeeds()) {
            assertEquals("PANAMA_LLAMA_CACHE_DIR", jvm.line("settings"));
            assertEquals(fromEnvironment.toRealPath(), Path.of(jvm.line("directory")).getParent());
        }
        assertFalse(Files.exists(home().resolve(".cache")), "the home cache is left alone");
    }

    @Test
    void aReadOnlyHomeFallsBackToAPrivateDirectoryInTmpdir() throws Exception {
        Path home = home();
        Path tmp = Files.createDirectories(temp.resolve("tmp"));
        ReadOnly readOnly = ReadOnly.make(home);
        try (readOnly; ApplicationJvm jvm = onClassPath(List.of("-Duser.home=" + home, "-Djava.io.tmpdir=" + tmp),
                model().toString()).succeeds()) {
            Path directory = Path.of(jvm.line("directory"));
            assertEquals("BUNDLED", jvm.line("source"));
            Path privateDirectory = directory.getParent().getParent();
            assertEquals(tmp.toRealPath(), privateDirectory.getParent(), jvm.transcript());
            assertTrue(privateDirectory.getFileName().toString().startsWith("panama-llama-"), privateDirectory.toString());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(privateDirectory)));
            assertEquals(expectedGeneration, jvm.line("generated"));
            assertFalse(Files.exists(home.resolve(".cache")));
        }
    }

    @Test
    void flippedBytesInTheCachedLibraryAreRepaired() throws Exception {
        assertRepaired(directory -> {
            Path llama = library(directory, "libllama.");
            byte[] bytes = Files.readAllBytes(llama);
            for (int i = 4096; i < 4096 + 64; i++) {
                bytes[i] ^= (byte) 0xff;
            }
            Files.write(llama, bytes);
            return llama.getFileName() + " has SHA-256";
        });
    }

    @Test
    void aTruncatedCachedLibraryIsRepaired() throws Exception {
        assertRepaired(directory -> {
            Path base = directory.resolve("libggml-base.so");
            try (FileChannel channel = FileChannel.open(base, StandardOpenOption.WRITE)) {
                channel.truncate(channel.size() / 2);
            }
            return "libggml-base.so has ";
        });
    }

    @Test
    void aDeletedCachedLibraryIsRepaired() throws Exception {
        assertRepaired(directory -> {
            Files.delete(library(directory, "libggml."));
            return " is missing";
        });
    }

    private interface Damage {
        /** Damages the cached copy; returns what the repair's warning should say. */
        String apply(Path directory) throws IOException;
    }

    private void assertRepaired(Damage damage) throws Exception {
        List<String> options = List.of("-Duser.home=" + home());
        Path root = home().resolve(".cache/panama-llama/natives");
        Path directory;
        try (ApplicationJvm jvm = onClassPath(options, model().toString()).succeeds()) {
            directory = assertBundledFrom(jvm, root);
        }
        String warning = damage.apply(directory);
        try (ApplicationJvm jvm = onClassPath(options, model().toString()).succeeds()) {
            assertEquals(directory, assertBundledFrom(jvm, root));
            assertTrue(jvm.err().contains("were damaged (") && jvm.err().contains(warning), jvm.transcript());
        }
        assertMatchesTheJar(directory);
    }

    @Test
    void repairingTheCacheLeavesAJvmRunningOnTheOldFilesUnharmed() throws Exception {
        List<String> options = List.of("-Duser.home=" + home());
        Path root = home().resolve(".cache/panama-llama/natives");
        try (ApplicationJvm running = onClassPath(options, model().toString(), "--pause")) {
            running.awaitOut("paused", Duration.ofSeconds(120));
            Path directory = assertBundledFrom(running, root);
            // The library the running JVM has mapped goes missing; the next JVM repairs the cache
            // by renaming the damaged directory aside and deleting it.
            Files.delete(library(directory, "libllama."));
            try (ApplicationJvm repairing = onClassPath(options, model().toString()).succeeds()) {
                assertBundledFrom(repairing, root);
                assertTrue(repairing.err().contains("is missing"), repairing.transcript());
            }
            running.send("go on");
            running.succeeds();
            assertEquals(expectedGeneration, running.line("generated again"), running.transcript());
            assertMatchesTheJar(directory);
        }
    }

    /** A java.util.logging configuration that shows the loader's debug messages. */
    private Path debugLogging() throws IOException {
        return Files.writeString(temp.resolve("logging.properties"), """
                handlers=java.util.logging.ConsoleHandler
                java.util.logging.ConsoleHandler.level=ALL
                io.github.panamallama.loader.level=ALL
                """);
    }

    /** Figures: the natives jar's size, extraction into an empty cache, and the check of a warm one. */
    @Test
    void extractionTimes() throws Exception {
        Path logging = debugLogging();
        List<Long> cold = new java.util.ArrayList<>();
        List<Long> warm = new java.util.ArrayList<>();
        for (int round = 0; round < 2; round++) {
            List<String> options = List.of("-Duser.home=" + home(), "-Djava.util.logging.config.file=" + logging,
                    "-Dpanamallama.cache.dir=" + temp.resolve("timed-" + round));
            try (ApplicationJvm jvm = onClassPath(options, model().toString()).succeeds()) {
                cold.add(millis(EXTRACTED, jvm));
            }
            try (ApplicationJvm jvm = onClassPath(options, model().toString()).succeeds()) {
                warm.add(millis(VERIFIED, jvm));
                assertFalse(EXTRACTED.matcher(jvm.err()).find(), "a warm cache is not extracted again");
            }
        }
        long jarBytes = Files.size(ApplicationJvm.nativesJar());
        long libraryBytes;
        try (ZipFile jar = new ZipFile(ApplicationJvm.nativesJar().toFile())) {
            libraryBytes = jar.stream().filter(entry -> entry.getName().startsWith("natives/")).mapToLong(entry -> entry.getSize()).sum();
        }
        System.out.printf("natives jar linux-x86_64: %.1f MB (%.1f MB extracted); cold extraction %s ms; warm check %s ms%n",
                jarBytes / 1e6, libraryBytes / 1e6, cold, warm);
    }

    private static long millis(Pattern pattern, ApplicationJvm jvm) throws IOException {
        Matcher matcher = pattern.matcher(jvm.err());
        assertTrue(matcher.find(), "no \"" + pattern + "\" in the log\n" + jvm.transcript());
        return Long.parseLong(matcher.group(1));
    }

    private static Path library(Path directory, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
        }
    }

    /** Every library in the directory is byte for byte the one in the natives jar. */
    private static void assertMatchesTheJar(Path directory) throws IOException {
        try (ZipFile jar = new ZipFile(ApplicationJvm.nativesJar().toFile()); Stream<Path> files = Files.list(directory)) {
            List<Path> all = files.toList();
            assertTrue(all.size() > 4, all.toString());
            for (Path file : all) {
                var entry = jar.getEntry("natives/linux-x86_64/" + file.getFileName());
                assertTrue(entry != null, file + " is not in the jar");
                try (var in = jar.getInputStream(entry)) {
                    assertArrayEquals(in.readAllBytes(), Files.readAllBytes(file), file.toString());
                }
            }
        }
    }

    /**
     * A directory nobody can write to while the test runs, root included: mode r-x, and where the
     * tests run as root (who ignores modes) the immutable attribute as well.
     */
    private record ReadOnly(Path directory, boolean immutable) implements AutoCloseable {
        static ReadOnly make(Path directory) throws IOException, InterruptedException {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("r-xr-xr-x"));
            boolean immutable = false;
            if (writable(directory)) {
                immutable = NativeToolchain.ProcessResult.run(List.of("chattr", "+i", directory.toString()), 30).exitCode() == 0;
            }
            ReadOnly readOnly = new ReadOnly(directory, immutable);
            if (writable(directory)) {
                readOnly.close();
                assumeTrue(false, "cannot make a read-only directory here (running as root without chattr)");
            }
            return readOnly;
        }

        private static boolean writable(Path directory) {
            try {
                Files.delete(Files.createDirectory(directory.resolve("probe")));
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public void close() throws IOException {
            if (immutable) {
                try {
                    NativeToolchain.ProcessResult.run(List.of("chattr", "-i", directory.toString()), 30);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
