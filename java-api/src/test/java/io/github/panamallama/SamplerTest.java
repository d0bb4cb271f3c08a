package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import io.github.panamallama.fixture.TinyLlamaGguf;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SamplerTest {
    private LlamaModel model;
    private LlamaContext context;
    private float[] logits;

    @BeforeAll
    void load() {
        model = LlamaModel.load(TestModels.tinyLlama());
    }

    @AfterAll
    void closeModel() {
        model.close();
    }

    @BeforeEach
    void decode() {
        context = model.newContext(ContextOptions.builder().contextLength(256).batchSize(64).threads(1).build());
        try (Batch batch = new Batch(16)) {
            batch.addSequence(model.vocabulary().tokenize("Hello world"), 0, 0, true);
            context.decode(batch);
        }
        logits = context.lastLogits();
    }

    @AfterEach
    void closeContext() {
        context.close();
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void greedyPicksTheLargestLogit() {
        try (Sampler sampler = Sampler.greedy(model)) {
            assertEquals(argmax(logits), sampler.sample(context));
            assertEquals(argmax(logits), sampler.sample(context, 2));
            assertEquals(List.of("greedy"), sampler.stages());
        }
    }

    @Test
    void performanceCountsSamples() {
        try (Sampler sampler = Sampler.builder(model).topK(5).greedy().build()) {
            for (int i = 0; i < 3; i++) {
                sampler.sample(context);
            }
            SamplerPerformance performance = sampler.performance();
            assertEquals(3, performance.samples());
            assertTrue(performance.sampleMillis() >= 0);
        }
    }

    @Test
    void logitBiasCanBanTheBestToken() {
        int best = argmax(logits);
        float[] biased = logits.clone();
        biased[best] = Float.NEGATIVE_INFINITY;
        try (Sampler sampler = Sampler.builder(model).logitBias(Map.of(best, Float.NEGATIVE_INFINITY)).greedy().build()) {
            assertEquals(argmax(biased), sampler.sample(context));
        }
    }

    @Test
    void seededDistributionIsReproducible() {
        int[] first = new int[20];
        int[] second = new int[20];
        try (Sampler a = Sampler.builder(model).temperature(1.5f).distribution(1234).build();
                Sampler b = Sampler.builder(model).temperature(1.5f).distribution(1234).build()) {
            assertEquals(1234, a.seed());
            for (int i = 0; i < 20; i++) {
                first[i] = a.sample(context);
                second[i] = b.sample(context);
            }
        }
        assertArrayEquals(first, second);
        assertTrue(java.util.Arrays.stream(first).distinct().count() > 1, "high temperature varies");
    }

    @Test
    void distributionWithoutSeedDrawsARandomOneThatRepeatsTheRun() {
        int[] drawn = new int[20];
        int[] repeated = new int[20];
        long seed;
        try (Sampler random = Sampler.builder(model).temperature(1.5f).distribution().build()) {
            seed = random.seed();
            assertTrue(seed >= 0 && seed < Sampler.RANDOM_SEED, "a drawn 32-bit seed: " + seed);
            for (int i = 0; i < 20; i++) {
                drawn[i] = random.sample(context);
            }
        }
        try (Sampler again = Sampler.builder(model).temperature(1.5f).distribution(seed).build()) {
            assertEquals(seed, again.seed());
            for (int i = 0; i < 20; i++) {
                repeated[i] = again.sample(context);
            }
        }
        assertArrayEquals(drawn, repeated);
        try (Sampler a = Sampler.builder(model).distribution().build();
                Sampler b = Sampler.builder(model).distribution(Sampler.RANDOM_SEED).build()) {
            assertNotEquals(a.seed(), b.seed(), "each random sampler draws its own seed");
        }
        assertEquals(Integer.toUnsignedLong(io.github.panamallama.internal.llama.llama_h.LLAMA_DEFAULT_SEED()),
                Sampler.RANDOM_SEED, "the constant is llama.h's LLAMA_DEFAULT_SEED");
    }

    @Test
    void greedyHasNoSeed() {
        try (Sampler greedy = Sampler.greedy(model)) {
            assertEquals(Sampler.RANDOM_SEED, greedy.seed());
        }
    }

    @Test
    void everyStageBuildsAndSamples() {
        try (Sampler sampler = Sampler.builder(model)
                .penalties(64, 1.1f, 0.1f, 0.1f)
                .dry(0.8f, 1.75f, 2, 64, List.of("\n", ":"))
                .topK(40)
                .typical(0.95f, 1)
                .topP(0.9f, 1)
                .minP(0.05f, 1)
                .xtc(0.1f, 0.2f, 1, 7)
                .topNSigma(2f)
                .temperature(0.8f, 0.2f, 1f)
                .distribution(7)
                .build()) {
            assertEquals(List.of("penalties", "dry", "top-k", "typical", "top-p", "min-p", "xtc", "top-n-sigma",
                    "temp-ext", "dist"), sampler.stages());
            int token = sampler.sample(context);
            assertTrue(token >= 0 && token < TinyLlamaGguf.vocabSize());
            sampler.accept(token);
            sampler.reset();
        }
        try (Sampler mirostat = Sampler.builder(model).mirostat(5f, 0.1f, 100, 3).build();
                Sampler mirostat2 = Sampler.builder(model).topK(10).mirostatV2(5f, 0.1f, 3).build()) {
            assertTrue(mirostat.sample(context) >= 0);
            assertTrue(mirostat2.sample(context) >= 0);
        }
    }

    @Test
    void grammarConstrainsTheToken() {
        // Only tokens that start " world" are allowed; greedy takes the likeliest of them.
        try (Sampler sampler = Sampler.builder(model).grammar("root ::= \" world\"", "root").greedy().build()) {
            String piece = model.vocabulary().tokenPiece(sampler.sample(context));
            assertFalse(piece.isEmpty());
            assertTrue(" world".startsWith(piece), piece);
        }
    }

    /**
     * llama.cpp's grammar throws a C++ exception (which ends the process) when made to accept a
     * token it does not allow, and aborts on end-of-generation before it is complete: accept()
     * refuses both with an exception and leaves the sampler as it was.
     */
    @Test
    void acceptRefusesWhatTheGrammarDoesNotAllow() {
        int[] words = model.vocabulary().tokenize("Hello world", false, false);
        int hello = words[0];
        int world = words[words.length - 1];
        String grammar = "root ::= \"" + model.vocabulary().tokenPiece(hello) + "\" \""
                + model.vocabulary().tokenPiece(world) + "\"";
        try (Sampler sampler = Sampler.builder(model).grammar(grammar, "root").greedy().build()) {
            int eos = model.vocabulary().eos().orElseThrow();
            IllegalArgumentException early = assertThrows(IllegalArgumentException.class, () -> sampler.accept(world));
            assertTrue(early.getMessage().contains("not allowed by the grammar"), early.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sampler.accept(eos));
            sampler.accept(hello); // still at the start: the refusals changed nothing
            assertThrows(IllegalArgumentException.class, () -> sampler.accept(hello));
            sampler.accept(world);
            sampler.accept(eos); // complete: end of generation is allowed
        }
    }

    @Test
    void invalidGrammarIsIllegalArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sampler.builder(model).grammar("root ::= (unclosed", "root").greedy().build());
        assertTrue(e.getMessage().contains("grammar"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Sampler.builder(model).grammar("root ::= \"a\"", "missing_root").greedy().build());
    }

    @Test
    void lazyGrammarBuilds() {
        try (Sampler sampler = Sampler.builder(model)
                .lazyGrammar("root ::= \"Hello world\"", "root", List.of("Hello"), new int[0])
                .greedy().build()) {
            // Not triggered yet: behaves like plain greedy.
            assertEquals(argmax(logits), sampler.sample(context));
        }
        assertThrows(IllegalArgumentException.class, () -> Sampler.builder(model)
                .lazyGrammar("root ::= \"x\"", "root", List.of(), new int[0]));
        assertEquals("a\\.b\\(c\\)", LazyGrammarTriggers.regexEscape("a.b(c)"));
    }

    @Test
    void chainMustEndWithExactlyOneSelector() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> Sampler.builder(model).topK(5).build());
        assertTrue(none.getMessage().contains("top-k"), none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sampler.builder(model).build());
        IllegalArgumentException early = assertThrows(IllegalArgumentException.class,
                () -> Sampler.builder(model).greedy().topK(5).greedy().build());
        assertTrue(early.getMessage().contains("stage 0"), early.getMessage());
    }

    @Test
    void parameterValidationNamesTheValue() {
        Sampler.Builder b = Sampler.builder(model);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.topK(0)).getMessage().contains("0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.topP(1.5f, 1)).getMessage().contains("1.5"));
        assertThrows(IllegalArgumentException.class, () -> b.minP(0.1f, 0));
        assertThrows(IllegalArgumentException.class, () -> b.temperature(Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> b.distribution(-1));
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class, () -> b.distribution(1L << 32));
        assertTrue(wide.getMessage().contains("4294967296") && wide.getMessage().contains("distribution()"), wide.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.penalties(-1, 1f, 0f, 0f));
        assertThrows(IllegalArgumentException.class, () -> b.penalties(64, 0f, 0f, 0f));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.logitBias(Map.of(99999, 1f)))
                .getMessage().contains("99999"));
        try (Sampler sampler = Sampler.greedy(model)) {
            assertThrows(IllegalArgumentException.class, () -> sampler.accept(-1));
            assertThrows(IllegalArgumentException.class, () -> sampler.accept(TinyLlamaGguf.vocabSize()));
            assertThrows(IllegalArgumentException.class, () -> sampler.sample(context, 0), "index 0 has no logits");
        }
    }

    @Test
    void samplerForAnotherVocabularyIsRefused() {
        try (LlamaModel spm = TestModels.loadVocab("llama-spm");
                Sampler foreign = Sampler.builder(spm).logitBias(Map.of(31999, 1f)).greedy().build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> foreign.sample(context));
            assertTrue(e.getMessage().contains("32000") && e.getMessage().contains(Integer.toString(TinyLlamaGguf.vocabSize())),
                    e.getMessage());
        }
    }

    @Test
    void samplerKeepsModelAliveAndClosesCleanly() {
        LlamaModel own = LlamaModel.load(TestModels.tinyLlama());
        Sampler sampler = Sampler.builder(own).grammar("root ::= \"a\"", "root").greedy().build();
        own.close();
        sampler.reset(); // grammar still has its vocabulary
        sampler.close();
        sampler.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, sampler::reset);
        assertEquals("Sampler is closed", e.getMessage());
        assertThrows(IllegalStateException.class, () -> Sampler.greedy(own));
    }
}
