package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.panamallama.Completion;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.Sampler;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The Java API generates exactly the tokens the plain C program does, on the tiny-Mistral fixture. */
class ReferenceEquivalenceTest {
    private static final int TOKENS = 48;
    private static final int THREADS = 2;

    @TempDir
    static Path work;
    static ReferenceProgram reference;
    static LlamaModel model;

    static List<String> prompts() {
        return List.of("Hello", "The quick brown fox jumps over", "numbers 1 2 3 and unicode é 日本 😀",
                "  leading spaces\tand a tab");
    }

    @BeforeAll
    static void setUp() throws Exception {
        assumeTrue(NativeToolchain.headerTree().isPresent() && NativeToolchain.compiler().isPresent(),
                "needs the v0.5.0 headers and a C compiler");
        reference = ReferenceProgram.compile(work);
        model = LlamaModel.load(TestFixtures.tinyMistralF16());
    }

    @AfterAll
    static void tearDown() {
        if (model != null) {
            model.close();
        }
    }

    @ParameterizedTest
    @MethodSource("prompts")
    void greedyMatchesC(String prompt) throws Exception {
        int[] expected = reference.run(TestFixtures.tinyMistralF16(), TOKENS, "greedy", THREADS, prompt);
        int[] actual = javaTokens(prompt, Sampler.greedy(model));
        assertArrayEquals(withoutEndOfGeneration(expected), actual, prompt);
        assertTrue(actual.length > 0);
    }

    @ParameterizedTest
    @MethodSource("prompts")
    void seededChainMatchesC(String prompt) throws Exception {
        for (long seed : new long[] {1, 1234, 987654321}) {
            int[] expected = reference.run(TestFixtures.tinyMistralF16(), TOKENS, "chain:" + seed, THREADS, prompt);
            Sampler chain = Sampler.builder(model).topK(40).topP(0.9f, 1).minP(0.05f, 1).temperature(0.8f)
                    .distribution(seed).build();
            assertArrayEquals(withoutEndOfGeneration(expected), javaTokens(prompt, chain), prompt + " seed " + seed);
        }
    }

    /** Same settings as the C program: context just large enough, one batch for the prompt. */
    private static int[] javaTokens(String prompt, Sampler sampler) {
        int promptTokens = model.vocabulary().tokenize(prompt, true, true).length;
        ContextOptions options = ContextOptions.builder().contextLength(promptTokens + TOKENS)
                .batchSize(promptTokens).threads(THREADS).build();
        try (sampler; LlamaContext context = LlamaContext.create(model, options)) {
            Completion completion = context.complete(prompt, GenerationOptions.builder()
                    .maxTokens(TOKENS).sampler(sampler).parseSpecial(true).build());
            return completion.tokens();
        }
    }

    /** C prints the end-of-generation token it stopped on; the API does not return it. */
    private static int[] withoutEndOfGeneration(int[] tokens) {
        if (tokens.length > 0 && model.vocabulary().isEndOfGeneration(tokens[tokens.length - 1])) {
            return Arrays.copyOf(tokens, tokens.length - 1);
        }
        return tokens;
    }
}
