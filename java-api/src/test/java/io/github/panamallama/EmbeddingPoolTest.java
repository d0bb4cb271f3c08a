package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddingPoolTest {
    private LlamaModel llama;

    @BeforeAll
    void load() {
        llama = LlamaModel.load(TestModels.tinyLlama());
    }

    @AfterAll
    void close() {
        llama.close();
    }

    /** What one embeddings context of the same settings gives for {@code text}. */
    private float[] onAContextOfItsOwn(String text) {
        try (LlamaContext context = llama.newContext(ContextOptions.builder().embeddings(true).pooling(PoolingType.MEAN)
                .contextLength(512).batchSize(512).ubatchSize(512).build())) {
            return context.embed(text);
        }
    }

    @Test
    void defaultsEmbedEachTextAsAContextOfItsOwnWould() {
        List<String> texts = List.of("Hello world", "once upon a time", "the");
        try (EmbeddingPool pool = EmbeddingPool.builder().build(llama)) {
            EmbeddingPool.Embedded embedded = pool.embed(texts);
            assertEquals(texts.size(), embedded.vectors().size());
            int tokens = 0;
            for (int i = 0; i < texts.size(); i++) {
                float[] vector = embedded.vectors().get(i);
                assertEquals(pool.dimension(), vector.length);
                assertArrayEquals(onAContextOfItsOwn(texts.get(i)), vector, 1e-6f, "text " + i);
                tokens += llama.vocabulary().tokenize(texts.get(i)).length;
            }
            assertEquals(tokens, embedded.tokens());
            assertFalse(Arrays.equals(embedded.vectors().get(0), embedded.vectors().get(1)), "different texts differ");
        }
    }

    @Test
    void concurrentCallsGiveWhatSequentialOnesGive() throws Exception {
        List<String> texts = List.of("Hello world", "lo ld wor Hello", "upon the time once more", "a more Hello");
        try (EmbeddingPool pool = EmbeddingPool.builder().contexts(2).threads(1).build(llama);
                ExecutorService threads = Executors.newFixedThreadPool(4)) {
            List<Future<float[]>> results = new ArrayList<>();
            for (String text : texts) {
                results.add(threads.submit(() -> pool.embed(List.of(text)).vectors().getFirst()));
            }
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(pool.embed(List.of(texts.get(i))).vectors().getFirst(), results.get(i).get(), "text " + i);
            }
        }
    }

    @Test
    void aTextOverTheLimitOrNullIsNamedAndNothingIsEmbedded() {
        try (EmbeddingPool pool = EmbeddingPool.builder().name("test pool").maxSegmentTokens(8).threads(1).build(llama)) {
            IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                    () -> pool.embed(List.of("Hello", "Hello world ".repeat(10))));
            assertTrue(tooLong.getMessage().startsWith("input 1 is ") && tooLong.getMessage().contains("test pool takes at most 8"),
                    tooLong.getMessage());
            List<String> withNull = new ArrayList<>(List.of("Hello"));
            withNull.add(null);
            assertEquals("input 1 is null", assertThrows(IllegalArgumentException.class, () -> pool.embed(withNull)).getMessage());
            assertEquals(1, pool.embed(List.of("Hello")).vectors().size(), "the pool still works");
        }
    }

    @Test
    void settingsAreCheckedAsTheyAreSet() {
        EmbeddingPool.Builder builder = EmbeddingPool.builder();
        assertEquals("contexts must be >= 1: 0", assertThrows(IllegalArgumentException.class, () -> builder.contexts(0)).getMessage());
        assertEquals("maxSegmentTokens must be >= 1: 0",
                assertThrows(IllegalArgumentException.class, () -> builder.maxSegmentTokens(0)).getMessage());
        for (PoolingType none : List.of(PoolingType.NONE, PoolingType.RANK)) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> builder.pooling(none)).getMessage().endsWith(none.name()));
        }
    }

    @Test
    void aClosedPoolSaysSo() {
        EmbeddingPool pool = EmbeddingPool.builder().name("test pool").threads(1).build(llama);
        pool.close();
        pool.close();
        assertTrue(pool.isClosed());
        assertEquals("test pool is closed", assertThrows(IllegalStateException.class, () -> pool.embed(List.of("Hello"))).getMessage());
        assertFalse(llama.isClosed(), "the model is the caller's");
    }
}
