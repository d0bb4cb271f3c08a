package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.panamallama.LlamaModel;
import io.github.panamallama.ModelOptions;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The vocabulary the converter wrote into the GGUF tokenizes exactly as SentencePiece itself
 * does with the same tokenizer.model: Debian's spm_encode is the independent reference.
 */
class TokenizerMatchesSentencePieceTest {
    @Test
    void everyCorpusLineGivesSpmEncodesIds() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/spm_encode")),
                "spm_encode missing (scripts/install-prerequisites.sh installs sentencepiece)");
        List<String> corpus;
        try (InputStream in = getClass().getResourceAsStream("/tokenizer-corpus.txt")) {
            corpus = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        List<int[]> expected = spmEncode(TestFixtures.directory().resolve("native").resolve("tokenizer.model"), corpus);
        assertEquals(corpus.size(), expected.size());
        int byteFallbacks = 0;
        try (LlamaModel model = LlamaModel.load(TestFixtures.tinyMistralF16(), ModelOptions.builder().vocabOnly(true).build())) {
            for (int i = 0; i < corpus.size(); i++) {
                int[] actual = model.vocabulary().tokenize(corpus.get(i), false, false);
                assertArrayEquals(expected.get(i), actual, "line " + (i + 1) + ": " + corpus.get(i));
                byteFallbacks += (int) Arrays.stream(actual).filter(id -> model.vocabulary().tokenText(id).startsWith("<0x")).count();
            }
        }
        assertTrue(byteFallbacks > 20, "the corpus exercises byte fallback: " + byteFallbacks + " byte tokens");
    }

    private static List<int[]> spmEncode(Path tokenizer, List<String> lines) throws Exception {
        Process process = new ProcessBuilder("spm_encode", "--model=" + tokenizer, "--output_format=id").start();
        try (var stdin = process.getOutputStream()) {
            stdin.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        List<int[]> ids = new ArrayList<>();
        for (String line : output.split("\n", -1)) {
            ids.add(line.isBlank() ? new int[0] : Arrays.stream(line.trim().split(" ")).mapToInt(Integer::parseInt).toArray());
        }
        return ids.subList(0, lines.size());
    }
}
