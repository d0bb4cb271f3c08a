package io.github.panamallama.tests.examples;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.examples.Examples;
import io.github.panamallama.examples.SyntheticCheckpoint;
import io.github.panamallama.gguf.GgmlType;
import io.github.panamallama.gguf.GgufFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConvertCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = Examples.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void helpListsTheOptions() {
        assertEquals(0, run("convert", "--help"));
        for (String option : new String[] {"--input", "--output", "--type", "--context-length", "--name"}) {
            assertTrue(out.toString().contains(option), out.toString());
        }
    }

    @Test
    void convertsASyntheticHuggingFaceCheckpoint() throws IOException {
        Path input = Files.createDirectories(dir.resolve("tiny-hf"));
        new SyntheticCheckpoint(64, 2, 4, 2, 16, 96, 300).write(input);
        Path output = dir.resolve("tiny.gguf");
        int exit = run("convert", "--input", input.toString(), "--output", output.toString(), "--type", "bf16",
                "--context-length", "4096");
        assertEquals(0, exit, err.toString());
        assertTrue(out.toString().startsWith("wrote " + output.toAbsolutePath() + ": 21 tensors"), out.toString());
        try (GgufFile gguf = GgufFile.open(output)) {
            assertEquals(32, gguf.get("general.file_type").orElseThrow().asLong());
            assertEquals(4096, gguf.get("llama.context_length").orElseThrow().asLong());
            assertEquals("tiny-hf", gguf.get("general.name").orElseThrow().asString());
            assertEquals(GgmlType.BF16, gguf.tensor("blk.1.attn_q.weight").orElseThrow().type());
            assertEquals(GgmlType.F32, gguf.tensor("blk.1.ffn_norm.weight").orElseThrow().type());
            assertEquals(300, gguf.get("tokenizer.ggml.tokens").orElseThrow().asList().size());
        }
    }

    @Test
    void reportsBadInputAsOneLine() {
        Path missing = dir.resolve("missing");
        assertEquals(1, run("convert", "--input", missing.toString(), "--output", dir.resolve("x.gguf").toString()));
        assertEquals("error: " + missing + " is not a directory", err.toString().strip());
        assertEquals(2, run("convert", "--input", dir.toString(), "--output", "x.gguf", "--type", "q4"));
        assertTrue(err.toString().contains("Invalid value for option '--type'"), err.toString());
    }
}
