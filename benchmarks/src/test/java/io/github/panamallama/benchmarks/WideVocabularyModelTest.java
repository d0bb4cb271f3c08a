package io.github.panamallama.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.Batch;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.Sampler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The 32000-token model the sampler, logits and tokenizer benchmarks use at Mistral's vocabulary size. */
class WideVocabularyModelTest {
    private static final Path VOCABULARY_TESTS = BenchmarkModels.home().resolve("build/llama.cpp-v0.5.0/models");

    @Test
    void hasMistralsVocabularySizeAndGenerates() {
        try (LlamaModel model = LlamaModel.load(BenchmarkModels.wideVocabulary());
             LlamaContext context = LlamaContext.create(model, ContextOptions.builder().contextLength(256).threads(1).build());
             Sampler greedy = Sampler.greedy(model)) {
            assertEquals(32000, model.vocabulary().size());
            float[] logits = context.logits(decode(context, model.vocabulary().tokenize("Once upon a time")));
            assertEquals(32000, logits.length);
            int best = 0;
            for (int i = 1; i < logits.length; i++) {
                best = logits[i] > logits[best] ? i : best;
            }
            assertEquals(best, greedy.sample(context), "greedy picks the largest logit");
        }
    }

    /** llama.cpp's own tokenizer test cases for this vocabulary: the tokenizer came over intact. */
    @Test
    void tokenizesLlamaCppsTestCasesAsExpected() throws Exception {
        String inputs = Files.readString(VOCABULARY_TESTS.resolve("ggml-vocab-llama-spm.gguf.inp"), StandardCharsets.UTF_8);
        List<String> cases = Arrays.asList(inputs.split("\n__ggml_vocab_test__\n", -1));
        List<String> expected = Files.readAllLines(VOCABULARY_TESTS.resolve("ggml-vocab-llama-spm.gguf.out"));
        if (cases.getLast().isEmpty()) {
            cases = cases.subList(0, cases.size() - 1);
        }
        assertEquals(expected.size(), cases.size());
        try (LlamaModel model = LlamaModel.load(BenchmarkModels.wideVocabulary())) {
            for (int i = 0; i < cases.size(); i++) {
                String line = expected.get(i).strip();
                int[] tokens = line.isEmpty() ? new int[0] : Arrays.stream(line.split(" ")).mapToInt(Integer::parseInt).toArray();
                assertArrayEquals(tokens, model.vocabulary().tokenize(cases.get(i), false, false), "case " + i + ": " + cases.get(i));
            }
        }
    }

    @Test
    void isRemadeWhenMissing() throws Exception {
        Path model = BenchmarkModels.wideVocabulary();
        byte[] before = Files.readAllBytes(model);
        Files.delete(model);
        assertEquals(model, BenchmarkModels.wideVocabulary());
        assertTrue(Arrays.equals(before, Files.readAllBytes(model)), "the same bytes again (deterministic weights)");
    }

    /** Decodes tokens with logits for the last; returns the last one's batch index. */
    private static int decode(LlamaContext context, int[] tokens) {
        try (Batch batch = new Batch(tokens.length)) {
            context.decode(batch.addSequence(tokens, 0, 0, true));
        }
        return tokens.length - 1;
    }
}
