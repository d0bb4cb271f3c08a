package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.tests.forked.ForkedRun;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged model files are refused with ModelLoadException naming the file. The loads run in a
 * child JVM ({@link CorruptModelCases}): a load that crashes the process fails this test with
 * the case, instead of ending Surefire's JVM.
 */
class CorruptModelTest {
    @TempDir
    Path temp;

    @Test
    void truncatedFilesAndAbsurdCountsAreRefused() throws Exception {
        Map<String, String> outcomes = ForkedRun.run(CorruptModelCases.class, TestFixtures.tinyMistralF16().toString(),
                temp.toString());
        assertEquals(CorruptModelCases.CUTS.length + 2 + CorruptModelCases.COUNT_OFFSETS.length, outcomes.size(),
                outcomes.toString());
        outcomes.forEach((name, outcome) -> {
            assertTrue(outcome.startsWith("THREW ModelLoadException: "), name + ": " + outcome);
            assertTrue(outcome.contains(temp.resolve(name + ".gguf").toString()), name + ": " + outcome);
            if (name.startsWith("count-")) {
                assertTrue(outcome.contains("corrupt GGUF"), name + ": " + outcome);
            } else {
                // Nothing generic: the reason says what is missing (llama.cpp's own words past the header).
                assertTrue(!outcome.endsWith("llama.cpp could not load it"), name + ": " + outcome);
            }
        });
    }
}
