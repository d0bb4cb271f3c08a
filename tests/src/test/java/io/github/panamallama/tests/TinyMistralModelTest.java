package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.*;

import io.github.panamallama.Batch;
import io.github.panamallama.ChatSession;
import io.github.panamallama.Completion;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.Vocabulary;
import io.github.panamallama.VocabularyType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The public API end to end on the project's converted tiny Mistral (a real SentencePiece
 * tokenizer and Mistral's layout), which the tests module's build makes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TinyMistralModelTest {
    private LlamaModel model;
    private final ContextOptions options = ContextOptions.builder().contextLength(256).batchSize(64).threads(1).build();

    private LlamaModel model() {
        if (model == null) {
            model = LlamaModel.load(TestFixtures.directory().resolve("tiny-mistral-f32.gguf"));
        }
        return model;
    }

    @AfterAll
    void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void mistralShape() {
        // The fixture's params.json: dim 256, 2 layers, 8 heads / 2 KV heads, FFN 768, vocab 2000,
        // rope_theta 1e6 (Mistral 7B v0.2's layout, scaled down).
        assertEquals("llama", model().architecture());
        assertEquals(VocabularyType.SPM, model().vocabulary().type());
        assertEquals(2000, model().vocabulary().size());
        assertEquals(256, model().embeddingLength());
        assertEquals(2, model().layerCount());
        assertEquals(8, model().headCount());
        assertEquals(2, model().kvHeadCount());
        assertEquals(1_000_000.0, model().ropeFreqBase().orElseThrow(), 1e-3);
        assertTrue(model().trainingContextLength() > 0);
        long perLayer = 256 + 256L * 256 + 2L * 256 * 64 + 256L * 256 + 256 + 3L * 256 * 768;
        assertEquals(2L * 256 * 2000 + 256 + 2 * perLayer, model().parameterCount());
        assertTrue(model().vocabulary().bos().isPresent());
        assertTrue(model().vocabulary().eos().isPresent());
        assertTrue(model().vocabulary().isEndOfGeneration(model().vocabulary().eos().getAsInt()));
    }

    @Test
    void tokenizerRoundTrip() {
        Vocabulary vocab = model().vocabulary();
        for (String text : List.of("Hello world", "The quick brown fox.", "ünïcödé 🦙")) {
            int[] tokens = vocab.tokenize(text, true, false);
            assertEquals(vocab.bos().getAsInt(), tokens[0]);
            assertEquals(text, vocab.detokenize(tokens, true, false).stripLeading(), text);
        }
    }

    @Test
    void greedyGenerationIsDeterministicAndStreamsTheSameText() {
        GenerationOptions generation = GenerationOptions.builder().maxTokens(16).build();
        Completion first;
        try (LlamaContext context = model().newContext(options)) {
            first = context.complete("Once upon a time", generation);
            assertTrue(first.tokens().length > 0);
        }
        try (LlamaContext context = model().newContext(options)) {
            List<String> pieces = new ArrayList<>();
            Completion second = context.complete("Once upon a time", generation, pieces::add);
            System.out.println("tiny-mistral greedy continuation: " + second.text());
            assertArrayEquals(first.tokens(), second.tokens());
            assertEquals(first.text(), String.join("", pieces));
        }
    }

    @Test
    void chatReusesMemoryAcrossTurns() {
        try (LlamaContext context = model().newContext(options)) {
            ChatSession chat = ChatSession.create(context);
            GenerationOptions generation = GenerationOptions.builder().maxTokens(8).build();
            chat.send("Hello", generation);
            chat.send("Tell me more", generation);
            assertTrue(chat.lastReusedTokens() > 0);
            assertEquals(4, chat.history().size());
        }
    }

    @Test
    void stateRoundTrip() {
        try (LlamaContext context = model().newContext(options); Batch batch = new Batch(64)) {
            int[] prompt = model().vocabulary().tokenize("Hello world");
            batch.addSequence(prompt, 0, 0, true);
            context.decode(batch);
            byte[] state = context.saveState();
            batch.clear();
            batch.add(model().vocabulary().eos().getAsInt(), prompt.length, true);
            context.decode(batch);
            float[] next = context.lastLogits();
            context.restoreState(state);
            context.decode(batch);
            assertArrayEquals(next, context.lastLogits());
        }
    }
}
