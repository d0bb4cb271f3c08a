package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelOptionsTest {
    @Test
    void defaultsMatchLlamaCpp() {
        ModelOptions options = ModelOptions.defaults();
        assertTrue(options.useMmap().isEmpty(), "llama.cpp decides");
        assertFalse(options.useMlock());
        assertEquals(-1, options.gpuLayers());
        assertEquals(SplitMode.LAYER, options.splitMode());
        assertEquals(0, options.mainGpu());
        assertFalse(options.vocabOnly());
        assertTrue(options.weightRepacking(), "llama.cpp repacks unless told not to");
        assertFalse(ModelOptions.builder().weightRepacking(false).build().weightRepacking());
        assertEquals(List.of(), options.metadataOverrides());
        assertTrue(options.progressListener().isEmpty());
    }

    @Test
    void typedOverridesInOrder() {
        ModelOptions options = ModelOptions.builder().override("a", 1L).override("b", 2.5).override("c", true)
                .override("d", "text").build();
        assertEquals(List.of(new MetadataOverride.IntValue("a", 1), new MetadataOverride.FloatValue("b", 2.5),
                new MetadataOverride.BoolValue("c", true), new MetadataOverride.StringValue("d", "text")),
                options.metadataOverrides());
    }

    @Test
    void limitsAreUtf8Bytes() {
        new MetadataOverride.StringValue("k", "é".repeat(63)); // 126 bytes
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MetadataOverride.StringValue("k", "é".repeat(64)));
        assertTrue(e.getMessage().contains("128 UTF-8 bytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MetadataOverride.IntValue("a\0b", 1));
        assertThrows(IllegalArgumentException.class, () -> new MetadataOverride.IntValue(null, 1));
    }
}
