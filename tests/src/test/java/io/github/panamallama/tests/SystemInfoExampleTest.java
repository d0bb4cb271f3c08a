package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.examples.Examples;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The first example, run as a user runs it: a separate JVM, output read back. */
class SystemInfoExampleTest {
    @Test
    void printsLibraryBackendsAndDevices() throws Exception {
        var result = JavaProcess.run(Map.of("panamallama.home", NativeToolchain.home().toString()), Map.of(),
                Examples.class.getName(), "info");
        assertEquals(0, result.exitCode(), result.output());
        String output = result.output();
        assertTrue(output.contains("llama.cpp 0.5.0"), output);
        assertTrue(output.contains("loaded from: "), output);
        assertTrue(output.matches("(?s).*system info: CPU : .*"), output);
        assertTrue(output.matches("(?s).*\\n  CPU +CPU +backend=CPU .*"), "a CPU device from the CPU backend:\n" + output);
        if (output.contains("source: PREBUILT")) {
            assertTrue(output.matches("(?s).*backend library: libggml-cpu-[a-z0-9]+\\.so.*"),
                    "the prebuilt release names the CPU variant it picked:\n" + output);
        }
    }
}
