package io.github.panamallama.tests;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.Quantizer;
import io.github.panamallama.examples.Examples;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code scripts/quantize.sh} = {@code example quantize}: the command line over {@link Quantizer}. */
class QuantizeCommandTest {
    @TempDir
    static Path directory;

    private static Path f32;

    @BeforeAll
    static void copyTheConvertedF32Fixture() throws IOException {
        f32 = directory.resolve("f32.gguf");
        Files.copy(TestFixtures.directory().resolve("tiny-mistral-f32.gguf"), f32);
    }

    @Test
    void quantizesAndReportsSizes() throws IOException {
        Path out = directory.resolve("q8.gguf");
        Run run = run("quantize", f32.toString(), out.toString(), "q8_0", "--threads", "1");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Files.isRegularFile(out));
        assertTrue(run.out().matches("quantized .*f32\\.gguf \\(" + mebibytes(f32) + "\\) to Q8_0: .*q8\\.gguf \\("
                + mebibytes(out) + "\\) in \\d+ ms\\s*"), run.out());
        assertTrue(Files.size(out) < Files.size(f32) / 3, "Q8_0 is about a quarter of F32");
    }

    @Test
    void unknownTypeIsAUsageErrorListingTheValidTypes() {
        Run run = run("quantize", f32.toString(), directory.resolve("x.gguf").toString(), "q4_z");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("unknown quantization type 'q4_z'; valid types: F32, F16, BF16"), run.err());
    }

    @Test
    void badPathsAreOneLineErrors() {
        Path missing = directory.resolve("missing.gguf");
        Run run = run("quantize", missing.toString(), directory.resolve("x.gguf").toString(), "q4_0");
        assertEquals(2, run.exitCode());
        assertEquals("error: input model " + missing + " does not exist or is not a file", run.err().strip());
        Run same = run("quantize", f32.toString(), f32.toString(), "q4_0");
        assertEquals(2, same.exitCode());
        assertTrue(same.err().startsWith("error: output " + f32 + " is the input file"), same.err());
    }

    @Test
    void helpDescribesTheCommand() {
        Run run = run("quantize", "--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("Quantize a GGUF model file with llama.cpp."), run.out());
        assertTrue(run.out().contains("--allow-requantize"), run.out());
        assertTrue(run.out().contains("Example: scripts/quantize.sh"), run.out());
    }

    /**
     * {@code scripts/quantize.sh} in a terminal (a pseudo-terminal from util-linux's
     * {@code script}, as a person's shell would give it): a progress bar on stderr, redrawn in
     * place, ending with the last tensor and a done line.
     */
    @Test
    void showsProgressInATerminal() throws Exception {
        Path script = Path.of("/usr/bin/script");
        Assumptions.assumeTrue(Files.isExecutable(script), "util-linux's script gives the pseudo-terminal");
        Path f16 = Path.of(System.getProperty("panamallama.home"), "build", "fixtures", "tiny-mistral", "tiny-mistral-f16.gguf");
        Path out = directory.resolve("terminal-q4_0.gguf");
        String command = "'" + Path.of(System.getProperty("panamallama.home"), "scripts", "quantize.sh") + "' '" + f16
                + "' '" + out + "' q4_0";
        ProcessBuilder builder = new ProcessBuilder(script.toString(), "-q", "-e", "-c", command, "/dev/null")
                .redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("SHELL", "/bin/bash");
        Process process = builder.start();
        process.getOutputStream().close();
        String screen = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), screen);
        assertEquals(0, process.exitValue(), screen);
        assertTrue(screen.matches("(?s).*\r\\[#+ *\\] 100%  [0-9.]+/[0-9.]+ MB -> [0-9.]+ MB +\\d+ MB/s  21/21 \\S+\\.weight.*"),
                "the bar reached the last of the 21 tensors:\n" + screen);
        assertTrue(screen.matches("(?s).*\rdone: Q4_0, [0-9.]+ MB -> [0-9.]+ MB in [0-9.]+ s.*"), screen);
        assertTrue(screen.contains("quantized " + f16), screen);
    }

    @Test
    void showsNoBarWhenNotATerminal() {
        Run run = run("quantize", Path.of(System.getProperty("panamallama.home"), "build", "fixtures", "tiny-mistral",
                "tiny-mistral-f16.gguf").toString(), directory.resolve("piped-q4_0.gguf").toString(), "q4_0");
        assertEquals(0, run.exitCode(), run.err());
        assertFalse(run.err().contains("\r") || run.out().contains("\r"), "no redraws in a log: " + run.err());
    }

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        CommandLine commandLine = Examples.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    /** A file's size as the command prints it, as a regular expression. */
    private static String mebibytes(Path file) throws IOException {
        return String.format(java.util.Locale.ROOT, "%.2f MiB", Files.size(file) / 1048576.0).replace(".", "\\.");
    }
}
