package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ContextOptionsTest {
    @Test
    void defaults() {
        ContextOptions options = ContextOptions.defaults();
        assertEquals(0, options.contextLength(), "0 = the model's training length");
        assertEquals(2048, options.batchSize());
        assertEquals(512, options.ubatchSize());
        assertEquals(1, options.sequences());
        assertEquals(FlashAttention.AUTO, options.flashAttention());
        assertEquals(CacheType.F16, options.cacheTypeK());
        assertEquals(RopeScalingType.MODEL_DEFAULT, options.ropeScaling());
        assertEquals(-1f, options.yarnExtFactor());
        assertFalse(options.embeddings());
        assertTrue(options.offloadKqv());
        assertFalse(options.unifiedMemory());
        assertTrue(options.fullSlidingWindowCache(), "llama.cpp's default");
    }

    /** llama.cpp reserves one output row per sequence in a batch-sized buffer: more would abort the JVM. */
    @Test
    void sequencesMustFitTheBatchAndTheContext() {
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> ContextOptions.builder().batchSize(8).sequences(16).build());
        assertTrue(batch.getMessage().contains("batchSize >= 16") && batch.getMessage().contains(": 8"), batch.getMessage());
        IllegalArgumentException context = assertThrows(IllegalArgumentException.class,
                () -> ContextOptions.builder().contextLength(8).sequences(16).build());
        assertTrue(context.getMessage().contains("contextLength >= 16"), context.getMessage());
        assertEquals(16, ContextOptions.builder().contextLength(16).batchSize(16).sequences(16).build().sequences());
        assertEquals(256, ContextOptions.builder().sequences(256).build().sequences(), "0 = the model's length, checked at creation");
    }

    @Test
    void ubatchFollowsASmallBatch() {
        assertEquals(64, ContextOptions.builder().batchSize(64).build().ubatchSize());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ContextOptions.builder().batchSize(64).ubatchSize(128).build());
        assertTrue(e.getMessage().contains("128") && e.getMessage().contains("64"), e.getMessage());
    }

    @Test
    void badValuesNameTheValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ContextOptions.builder().contextLength(-5).build())
                .getMessage().contains("-5"));
        assertThrows(IllegalArgumentException.class, () -> ContextOptions.builder().batchSize(0).build());
        assertThrows(IllegalArgumentException.class, () -> ContextOptions.builder().sequences(0).build());
        assertThrows(IllegalArgumentException.class, () -> ContextOptions.builder().sequences(257).build());
        assertThrows(IllegalArgumentException.class, () -> ContextOptions.builder().threads(0).build());
        IllegalArgumentException polling = assertThrows(IllegalArgumentException.class,
                () -> ContextOptions.builder().threadPolling(101).build());
        assertTrue(polling.getMessage().contains("101"), polling.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ContextOptions.builder().threadPolling(-1).build());
        assertEquals(ContextOptions.DEFAULT_THREAD_POLLING, ContextOptions.defaults().threadPolling());
        assertThrows(IllegalArgumentException.class, () -> ContextOptions.builder().ropeFreqBase(Float.NaN).build());
        assertThrows(IllegalArgumentException.class, () -> ContextOptions.builder().ropeFreqScale(-1).build());
        assertThrows(IllegalArgumentException.class, () -> ContextOptions.builder().flashAttention(null).build());
    }
}
