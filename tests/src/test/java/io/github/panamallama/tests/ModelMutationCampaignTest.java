package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.tests.mutation.Campaign;
import io.github.panamallama.tests.mutation.MutantList;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mutation campaign in CI: thousands of damaged variants of the fixture model (every key at
 * boundary values and wrong types, keys the fixture lacks, tensor infos, other architectures,
 * truncations, overrides, seeded byte flips), each loaded in a child JVM and, if it loads, run
 * for a few tokens. No child may die: a bad file is an exception, never a dead process.
 * {@code -Dpanamallama.mutants=N -Dpanamallama.seed=S} change the random part (scripts/fuzz-models.sh
 * runs longer campaigns without Maven).
 */
class ModelMutationCampaignTest {
    static final int RANDOM_MUTANTS = Integer.getInteger("panamallama.mutants", 2000);
    static final long SEED = Long.getLong("panamallama.seed", 1);

    @TempDir
    Path scratch;

    @Test
    void noMutantKillsTheProcess() throws Exception {
        Campaign.Summary summary = new Campaign(TestFixtures.tinyMistralQ4(), MutantList.catalog(SEED, RANDOM_MUTANTS),
                2, 400).run(scratch);
        System.out.print(summary.report());
        assertEquals(List.of(), summary.crashes(), summary.report());
        // The campaign exercises both outcomes: some mutants still load and generate, most are refused.
        assertTrue(summary.loaded() > 100, summary.report());
        assertTrue(summary.refused() > 1000, summary.report());
        assertEquals(summary.mutants(), summary.loaded() + summary.refused(), summary.report());
    }
}
