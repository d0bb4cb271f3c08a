package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.Batch;
import io.github.panamallama.ContextFullException;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.Sampler;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Context behaviour on the tiny-Mistral fixture: the full 32K window, RoPE base, state. */
class FixtureContextTest {
    private static final int FULL_WINDOW = 32768;
    static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(TestFixtures.tinyMistralF16());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void theModelReportsMistralV02Geometry() {
        assertEquals(FULL_WINDOW, model.trainingContextLength());
        assertEquals(1_000_000.0, model.ropeFreqBase().orElseThrow(), 0.0);
        assertEquals("llama", model.architecture());
    }

    /** Positions 0..32767 all used, prompt then generation; one more token does not fit. */
    @Test
    void fillsThe32kWindowThenReportsContextFull() {
        int generate = 256;
        int[] prompt = tokens(FULL_WINDOW - generate);
        ContextOptions options = ContextOptions.builder().contextLength(FULL_WINDOW).batchSize(2048).threads(2).build();
        try (LlamaContext context = LlamaContext.create(model, options); Sampler greedy = Sampler.greedy(model);
             Batch batch = new Batch(2048)) {
            assertEquals(FULL_WINDOW, context.contextLength());
            decodeInChunks(context, batch, prompt);
            int position = prompt.length;
            while (position < FULL_WINDOW) {
                int next = greedy.sample(context);
                batch.clear();
                batch.add(next, position++, true);
                context.decode(batch);
            }
            assertEquals(FULL_WINDOW - 1, context.memory().maxPosition(0).orElseThrow());
            int next = greedy.sample(context);
            batch.clear();
            batch.add(next, FULL_WINDOW, true);
            assertThrows(ContextFullException.class, () -> context.decode(batch));
            // The context is still usable after the refusal: drop the tail and decode again.
            context.memory().removeTokens(0, FULL_WINDOW - 16, Integer.MAX_VALUE);
            batch.clear();
            batch.add(next, FULL_WINDOW - 16, true);
            context.decode(batch);
        }
    }

    @Test
    void ropeFreqBaseOfTheModelReproducesDefaultLogitsAndAnotherChangesThem() {
        int[] prompt = tokens(64);
        float[] byDefault = lastLogits(ContextOptions.builder().contextLength(256).threads(2).build(), prompt);
        float[] sameBase = lastLogits(ContextOptions.builder().contextLength(256).threads(2).ropeFreqBase(1_000_000f).build(), prompt);
        float[] otherBase = lastLogits(ContextOptions.builder().contextLength(256).threads(2).ropeFreqBase(10_000f).build(), prompt);
        assertTrue(Arrays.equals(byDefault, sameBase), "bit-for-bit equal logits with the model's own base");
        assertFalse(Arrays.equals(byDefault, otherBase), "another base changes the logits");
    }

    @Test
    void savedStateReplaysTheSameGeneration() {
        int[] prompt = tokens(48);
        try (LlamaContext context = LlamaContext.create(model, ContextOptions.builder().contextLength(512).threads(2).build());
             Batch batch = new Batch(512)) {
            decodeInChunks(context, batch, prompt);
            byte[] state = context.saveState();
            int[] first = generate(context, batch, prompt, 24, 42);
            context.restoreState(state);
            int[] second = generate(context, batch, prompt, 24, 42);
            assertArrayEquals(first, second);
            assertTrue(Arrays.stream(first).distinct().count() > 4, "a varied generation: " + Arrays.toString(first));
        }
    }

    @Test
    void sequenceStateMovesBetweenContexts() {
        int[] prompt = tokens(40);
        ContextOptions options = ContextOptions.builder().contextLength(512).threads(2).build();
        try (LlamaContext source = LlamaContext.create(model, options); LlamaContext target = LlamaContext.create(model, options);
             Batch batch = new Batch(512)) {
            decodeInChunks(source, batch, prompt);
            target.restoreSequenceState(0, source.saveSequenceState(0));
            assertEquals(prompt.length - 1, target.memory().maxPosition(0).orElseThrow());
            assertArrayEquals(generate(source, batch, prompt, 16, 7), generate(target, batch, prompt, 16, 7));
        }
    }

    private static float[] lastLogits(ContextOptions options, int[] prompt) {
        try (LlamaContext context = LlamaContext.create(model, options); Batch batch = new Batch(prompt.length)) {
            batch.addSequence(prompt, 0, 0, true);
            context.decode(batch);
            return context.lastLogits();
        }
    }

    /**
     * The {@code count} tokens a seeded sampler picks after {@code prompt}. The last prompt token
     * is decoded again first, so that every run samples from logits it computed itself: a
     * restored state brings the memory back, not necessarily the last logits.
     */
    private static int[] generate(LlamaContext context, Batch batch, int[] prompt, int count, long seed) {
        int position = prompt.length - 1;
        context.memory().removeTokens(0, position, Integer.MAX_VALUE);
        batch.clear();
        batch.add(prompt[position], position, true);
        context.decode(batch);
        int[] tokens = new int[count];
        try (Sampler sampler = Sampler.builder(model).temperature(0.9f).distribution(seed).build()) {
            for (int i = 0; i < count; i++) {
                tokens[i] = sampler.sample(context);
                batch.clear();
                batch.add(tokens[i], ++position, true);
                context.decode(batch);
            }
        }
        return tokens;
    }

    private static void decodeInChunks(LlamaContext context, Batch batch, int[] tokens) {
        for (int start = 0; start < tokens.length; start += batch.capacity()) {
            int end = Math.min(tokens.length, start + batch.capacity());
            batch.clear();
            batch.addSequence(Arrays.copyOfRange(tokens, start, end), start, 0, end == tokens.length);
            context.decode(batch);
        }
    }

    /** {@code count} prompt tokens: BOS, then ordinary text repeated. */
    private static int[] tokens(int count) {
        int[] text = model.vocabulary().tokenize("The model reads a long document about foxes, dogs and numbers 1234. ", false, false);
        int[] tokens = new int[count];
        tokens[0] = model.vocabulary().bos().orElseThrow();
        for (int i = 1; i < count; i++) {
            tokens[i] = text[(i - 1) % text.length];
        }
        return tokens;
    }
}
