package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.tests.forked.ForkedRun;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every public lazy-grammar path either works or refuses its trigger with an
 * IllegalArgumentException naming it: a regex the C++ library rejects and a trigger the grammar
 * cannot accept used to end the process (a C++ exception through llama.cpp's C API). The cases
 * run in a child JVM ({@link LazyGrammarTriggerCases}); should a check regress, this test fails
 * with the case instead of taking Surefire's JVM down.
 */
class LazyGrammarTriggerSafetyTest {
    static Map<String, String> outcomes;

    @BeforeAll
    static void runCases() throws Exception {
        outcomes = ForkedRun.run(LazyGrammarTriggerCases.class, TestFixtures.tinyMistralF16().toString());
    }

    private static String outcome(String name) {
        String outcome = outcomes.get(name);
        assertTrue(outcome != null, "no outcome for " + name + ": " + outcomes);
        return outcome;
    }

    private static void refused(String name, String... mentions) {
        String outcome = outcome(name);
        assertTrue(outcome.startsWith("THREW IllegalArgumentException: "), name + ": " + outcome);
        for (String mention : mentions) {
            assertTrue(outcome.contains(mention), name + " should mention " + mention + ": " + outcome);
        }
    }

    @Test
    void aWordFullOfRegexMetacharactersIsLiteral() {
        // Built (std::regex compiled the escaped word) and not triggered: the reply is the free one.
        String outcome = outcome("regex metacharacters as a word");
        assertTrue(outcome.startsWith("RETURNED "), outcome);
        assertTrue(outcome("free reply").startsWith(outcome), outcome + " vs " + outcome("free reply"));
    }

    @Test
    void triggersTheGrammarCannotStartWithAreRefused() {
        refused("word the grammar rejects", "\"Hello\"");
        refused("word longer than the grammar", "\"abc\"", "stops after \"ab\"");
        refused("word through SamplingSettings", "\"Hello\"");
        refused("word with NUL", "NUL");
        refused("token the grammar rejects", "trigger token");
        refused("end-of-generation token", "ends generation");
    }

    @Test
    void validTriggersSwitchTheGrammarOnAndItConstrains() {
        for (String name : new String[] {"valid token trigger", "valid word trigger"}) {
            String outcome = outcome(name);
            assertTrue(outcome.startsWith("RETURNED "), name + ": " + outcome);
            String[] parts = outcome.substring("RETURNED ".length()).split("\\|", 2);
            assertTrue(outcome("free reply").startsWith("RETURNED " + parts[0]), name + ": " + outcome);
            // After the trigger: the three digits the grammar allows, then the end (the grammar is complete).
            assertTrue(parts[1].matches("[0-9]{3}"), name + ": after the trigger '" + parts[1] + "'");
        }
        assertEquals(outcome("valid token trigger"), outcome("valid word trigger"));
    }
}
