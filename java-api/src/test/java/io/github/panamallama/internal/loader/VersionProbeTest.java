package io.github.panamallama.internal.loader;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VersionProbeTest {
    @Test
    void releaseAndDevBuildsOfTheSameVersionMatch() {
        assertTrue(VersionProbe.matches("0.5.0", "0.5.0"));
        assertTrue(VersionProbe.matches("0.5.0-dev", "0.5.0"));
    }

    @Test
    void otherVersionsDoNot() {
        assertFalse(VersionProbe.matches("0.5.1", "0.5.0"));
        assertFalse(VersionProbe.matches("0.7.0-dev", "0.5.0"));
        assertFalse(VersionProbe.matches("0.5.00", "0.5.0"));
        assertFalse(VersionProbe.matches("", "0.5.0"));
    }
}
