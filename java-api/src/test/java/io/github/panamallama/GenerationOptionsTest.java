package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class GenerationOptionsTest {
    @Test
    void defaults() {
        GenerationOptions options = GenerationOptions.defaults();
        assertEquals(256, options.maxTokens());
        assertEquals(List.of(), options.stopStrings());
        assertTrue(options.sampler().isEmpty(), "greedy");
        assertTrue(options.addSpecial());
        assertFalse(options.parseSpecial());
    }

    @Test
    void validation() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GenerationOptions.builder().maxTokens(-2).build())
                .getMessage().contains("-2"));
        assertThrows(IllegalArgumentException.class, () -> GenerationOptions.builder().stopStrings("ok", "").build());
        assertEquals(List.of("a", "b"), GenerationOptions.builder().stopStrings(List.of("a", "b")).build().stopStrings());
    }
}
