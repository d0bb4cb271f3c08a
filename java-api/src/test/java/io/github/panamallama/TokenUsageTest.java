package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TokenUsageTest {
    @Test
    void totalIsPromptAndCompletion() {
        TokenUsage usage = new TokenUsage(120, 100, 30);
        assertEquals(150, usage.totalTokens(), "cached prompt tokens still count as prompt tokens");
    }

    @Test
    void impossibleCountsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TokenUsage(10, 11, 0));
        assertTrue(e.getMessage().contains("cached 11"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TokenUsage(-1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenUsage(1, 0, -1));
    }
}
