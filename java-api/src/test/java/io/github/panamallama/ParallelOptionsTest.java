package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ParallelOptionsTest {
    @Test
    void defaults() {
        ParallelOptions options = ParallelOptions.defaults();
        assertEquals(0, options.sequences(), "0 = all the context's");
        assertEquals(0, options.promptTokensPerStep(), "0 = the context's ubatch size");
        assertEquals(ParallelOptions.DEFAULT_MAX_QUEUED, options.maxQueued());
        assertTrue(options.promptCache());
    }

    @Test
    void builderSetsEachValue() {
        ParallelOptions options = ParallelOptions.builder().sequences(3).promptTokensPerStep(32).maxQueued(7)
                .promptCache(false).build();
        assertEquals(new ParallelOptions(3, 32, 7, false), options);
    }

    @Test
    void badValuesNameTheValue() {
        IllegalArgumentException sequences = assertThrows(IllegalArgumentException.class,
                () -> ParallelOptions.builder().sequences(257).build());
        assertTrue(sequences.getMessage().contains("257"), sequences.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ParallelOptions.builder().sequences(-1).build());
        IllegalArgumentException chunk = assertThrows(IllegalArgumentException.class,
                () -> ParallelOptions.builder().promptTokensPerStep(-3).build());
        assertTrue(chunk.getMessage().contains("-3"), chunk.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ParallelOptions.builder().maxQueued(-1).build());
    }
}
