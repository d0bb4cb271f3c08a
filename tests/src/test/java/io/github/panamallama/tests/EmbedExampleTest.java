package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.ContextOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.PoolingType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scripts/example embed}: vectors and similarities equal the API's. */
class EmbedExampleTest {
    private static final List<String> LINES = List.of("the cat sat on the mat", "a cat sat on a mat", "stock prices fell",
            "the cat sat on the mat");

    @Test
    void printsDimensionLeadingValuesAndTheSimilarityMatrix(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("lines.txt"),
                String.join("\n", LINES.subList(0, 2)) + "\n\n   \n" + String.join("\n", LINES.subList(2, 4)) + "\n");
        ExampleRun run = ExampleRun.of("embed", "--values", "4", file.toString());
        assertEquals(0, run.exitCode(), run.both());
        List<String> out = run.out().lines().toList();
        assertEquals("4 lines, dimension 256, pooling MEAN (vectors normalised to length 1)", out.get(0));

        List<float[]> expected = new ArrayList<>();
        try (LlamaModel model = LlamaModel.load(TestFixtures.tinyMistralF16());
             LlamaContext context = model.newContext(ContextOptions.builder().embeddings(true).pooling(PoolingType.MEAN)
                     .contextLength(2048).batchSize(2048).ubatchSize(2048).build())) {
            for (String line : LINES) {
                expected.add(context.embed(line));
            }
        }
        for (int i = 0; i < LINES.size(); i++) {
            assertEquals("[" + (i + 1) + "] " + LINES.get(i), out.get(1 + 2 * i));
            float[] v = expected.get(i);
            assertEquals(String.format(Locale.ROOT, "    %+.4f %+.4f %+.4f %+.4f ... (4 of 256)", v[0], v[1], v[2], v[3]),
                    out.get(2 + 2 * i));
        }
        int matrixStart = 1 + 2 * LINES.size();
        assertEquals("cosine similarity:", out.get(matrixStart));
        assertEquals("          [1]     [2]     [3]     [4]", out.get(matrixStart + 1));
        assertEquals(matrixStart + 2 + LINES.size(), out.size(), run.out());
        double[][] printed = new double[LINES.size()][];
        for (int i = 0; i < LINES.size(); i++) {
            String row = out.get(matrixStart + 2 + i);
            assertTrue(row.startsWith("[" + (i + 1) + "]"), row);
            printed[i] = java.util.Arrays.stream(row.substring(5).trim().split("\\s+")).mapToDouble(Double::parseDouble).toArray();
            assertEquals(LINES.size(), printed[i].length, row);
        }
        for (int i = 0; i < LINES.size(); i++) {
            assertEquals(1.0, printed[i][i], 0.0, "diagonal");
            for (int j = 0; j < LINES.size(); j++) {
                assertEquals(printed[i][j], printed[j][i], 0.0, "symmetric");
                assertEquals(dot(expected.get(i), expected.get(j)), printed[i][j], 0.00006, "cosine " + i + "," + j);
            }
        }
        assertEquals(1.0, printed[0][3], 0.0, "identical lines");
        assertTrue(printed[0][1] < 0.9999, "different lines differ: " + printed[0][1]);
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    @Test
    void readsLinesFromStdinWithADash() throws Exception {
        try (ExampleProcess embed = ExampleProcess.start("embed", "--values", "2", "-")) {
            embed.send("one line");
            embed.send("");
            embed.send("another line");
            embed.closeInput();
            assertEquals(0, embed.waitFor(java.time.Duration.ofSeconds(90)), embed.transcript());
            assertTrue(embed.out().startsWith("2 lines, dimension 256, pooling MEAN"), embed.transcript());
            assertTrue(embed.out().contains("[1] one line\n") && embed.out().contains("[2] another line\n"), embed.out());
            assertTrue(embed.out().matches("(?s).*\n\\[1]    1\\.0000  [ 0-9.-]{6}\n\\[2]    [ 0-9.-]{6}  1\\.0000\n$"),
                    embed.out());
        }
    }

    @Test
    void runsWithNoArgumentsOnSampleSentences() {
        ExampleRun run = ExampleRun.of("embed");
        assertEquals(0, run.exitCode(), run.both());
        assertTrue(run.err().contains("note: no FILE given: embedding 3 built-in sample sentences"), run.err());
        assertTrue(run.err().contains("note: no --model given"), run.err());
        assertTrue(run.out().startsWith("3 lines, dimension 256, pooling MEAN"), run.out());
        assertTrue(run.out().contains("\n[1]    1.0000"), run.out());
        assertTrue(run.out().matches("(?s).*\n\\[3]   .* 1\\.0000\n$"), run.out());
    }

    @Test
    void badInputIsAReadableError(@TempDir Path directory) throws Exception {
        ExampleRun none = ExampleRun.of("embed", "--pooling", "NONE");
        assertEquals(2, none.exitCode());
        assertTrue(none.err().contains("--pooling NONE gives no single vector per line"), none.err());
        ExampleRun unknown = ExampleRun.of("embed", "--pooling", "AVERAGE");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("Invalid value for option '--pooling'"), unknown.err());
        ExampleRun missing = ExampleRun.of("embed", directory.resolve("none.txt").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("no such file: " + directory.resolve("none.txt")), missing.err());
        Path blank = Files.writeString(directory.resolve("blank.txt"), "\n \n");
        ExampleRun empty = ExampleRun.of("embed", blank.toString());
        assertEquals(2, empty.exitCode());
        assertTrue(empty.err().contains("no text to embed"), empty.err());
        Path longLine = Files.writeString(directory.resolve("long.txt"), "word ".repeat(200) + "\n");
        ExampleRun tooLong = ExampleRun.of("embed", "--max-line-tokens", "64", longLine.toString());
        assertEquals(2, tooLong.exitCode(), tooLong.both());
        assertTrue(tooLong.err().contains("line 1: the text is") && tooLong.err().contains("raise --max-line-tokens"),
                tooLong.err());
    }
}
