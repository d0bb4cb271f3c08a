package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.panamallama.examples.Examples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wrong library locations give the "tried ..." error and a clean exit, never a crash. Each
 * case runs in its own JVM: a library once loaded stays loaded for the life of a process.
 */
class LoaderFailureTest {
    @TempDir
    Path temp;

    @Test
    void emptyExplicitDirectory() throws Exception {
        String output = failingRun(temp, "EXPLICIT_PROPERTY " + temp + " (system property panamallama.library.path): no libllama.so there");
        assertTrue(output.contains("nothing else was tried"), output);
    }

    @Test
    void missingExplicitDirectory() throws Exception {
        Path missing = temp.resolve("does-not-exist");
        failingRun(missing, missing + " (system property panamallama.library.path): no such directory");
    }

    @Test
    void explicitPathIsAFile() throws Exception {
        Path file = Files.writeString(temp.resolve("file"), "x");
        failingRun(file, "not a directory");
    }

    @Test
    void corruptLibrary() throws Exception {
        Files.write(temp.resolve("libllama.so"), new byte[] {0x7f, 'E', 'L', 'F', 0, 0, 0});
        failingRun(temp, "libllama.so cannot be opened");
    }

    @Test
    void libraryOfAnotherVersion() throws Exception {
        fakeLibrary("const char * llama_version(void) { return \"0.4.2\"; }");
        failingRun(temp, "libllama.so is llama.cpp 0.4.2, but the bindings were generated for 0.5.0");
    }

    @Test
    void libraryWithoutVersionFunction() throws Exception {
        fakeLibrary("int llama_something_else(void) { return 1; }");
        failingRun(temp, "has no llama_version()");
    }

    @Test
    void environmentVariableIsHonoured() throws Exception {
        var result = JavaProcess.run(Map.of(), Map.of("PANAMA_LLAMA_LIBRARY_PATH", temp.toString()),
                Examples.class.getName(), "info");
        assertEquals(2, result.exitCode(), result.output());
        assertTrue(result.output().contains("EXPLICIT_ENVIRONMENT " + temp), result.output());
    }

    private void fakeLibrary(String code) throws Exception {
        assumeTrue(NativeToolchain.compiler().isPresent(), "no C compiler to build a fake library with");
        Path source = Files.writeString(temp.resolve("fake.c"), code + "\n");
        NativeToolchain.ProcessResult compiled = NativeToolchain.ProcessResult.run(List.of(
                NativeToolchain.compiler().get().toString(), "-shared", "-fPIC", "-o",
                temp.resolve("libllama.so").toString(), source.toString()), 60);
        assertEquals(0, compiled.exitCode(), compiled.output());
    }

    /** Runs the info example against {@code directory}; it must fail cleanly, saying {@code expected}. */
    private String failingRun(Path directory, String expected) throws Exception {
        var result = JavaProcess.run(Map.of("panamallama.library.path", directory.toString(),
                        "panamallama.home", NativeToolchain.home().toString()), Map.of(),
                Examples.class.getName(), "info");
        assertEquals(2, result.exitCode(), "a clean error exit, not a crash:\n" + result.output());
        String output = result.output();
        assertTrue(output.contains("error: No usable llama.cpp 0.5.0 library found. Tried:"), output);
        assertTrue(output.contains(expected), "expected <" + expected + "> in:\n" + output);
        assertTrue(output.contains("To fix:"), output);
        return output;
    }
}
