package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.tests.mutation.AssertCases;
import io.github.panamallama.tests.mutation.Campaign;
import io.github.panamallama.tests.mutation.GgufLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every llama.cpp v0.5.0 assert the library checks before loading is hit by a mutant of the
 * fixture, through the file and (where llama.cpp takes the value from an override) through a
 * metadata override; each is refused with a ModelLoadException naming the key. The loads run in
 * child JVMs (see Campaign): should a check regress, a child dies and this test fails with the
 * case, instead of the test JVM dying.
 */
class LoadValidationTest {
    @TempDir
    Path scratch;

    @Test
    void everyCheckedAssertIsAnExceptionThroughTheFileAndThroughAnOverride() throws Exception {
        Path fixture = TestFixtures.tinyMistralQ4();
        AssertCases cases = new AssertCases(GgufLayout.parse(Files.readAllBytes(fixture)));
        Campaign.Summary summary = new Campaign(fixture, "asserts", 1, 1000).run(scratch);
        assertEquals(List.of(), summary.crashes(), summary.report());
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            AssertCases.Case c = cases.cases().get(i);
            String outcome = summary.outcomes().get(i);
            String label = c.source() + (c.viaOverride() ? " via override" : " via file") + ": " + c.mutant().recipe();
            if (outcome == null || !outcome.startsWith("REFUSED ModelLoadException") || !outcome.contains(c.key())
                    || !outcome.contains("abort")) {
                problems.add(label + "\n    -> " + outcome);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(cases.cases().stream().anyMatch(AssertCases.Case::viaOverride));
    }
}
