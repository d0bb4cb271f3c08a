package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.panamallama.Completion;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.Sampler;
import io.github.panamallama.SamplingSettings;
import io.github.panamallama.grammar.ToolCallFormat;
import io.github.panamallama.grammar.ToolCallParser;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lazy grammar behind {@code tool_choice: auto}, made deterministic on the tiny random model:
 * the trigger is a piece of text the model writes on its own under greedy decoding (found by
 * running it once without a grammar), standing in for the call marker. The grammar is the
 * tool-call grammar with that text in the marker's place. Before the trigger the reply must be
 * exactly the free greedy reply; from the trigger on it must be a well-formed call whose
 * arguments follow the schema.
 */
class LazyGrammarTriggerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT = "The quick brown fox";
    static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(TestFixtures.tinyMistralF16());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static Completion generate(SamplingSettings settings, int maxTokens) {
        try (LlamaContext context = model.newContext(ContextOptions.builder().contextLength(512).build());
             Sampler sampler = settings.newSampler(model)) {
            return context.complete(PROMPT, GenerationOptions.builder().maxTokens(maxTokens).sampler(sampler).build());
        }
    }

    @Test
    void theGrammarSwitchesOnAtTheTriggerAndTheCallIsValid() throws Exception {
        Completion free = generate(SamplingSettings.builder().temperature(0).build(), 24);
        // The first token whose text ends the reply so far where that text first appears, so the
        // trigger fires exactly there (a trigger must end on a token boundary).
        StringBuilder sofar = new StringBuilder();
        String trigger = null;
        int tokenCount = 0;
        for (int token : free.tokens()) {
            String piece = model.vocabulary().tokenPiece(token);
            sofar.append(piece);
            tokenCount++;
            String candidate = piece.strip();
            if (tokenCount >= 3 && candidate.length() >= 3 && candidate.chars().allMatch(Character::isLetter)
                    && sofar.indexOf(candidate) == sofar.length() - candidate.length()) {
                trigger = candidate;
                break;
            }
        }
        assertTrue(trigger != null, "no usable trigger in the free reply: " + free.text());
        String prefix = sofar.toString();

        ToolCallFormat.Tool weather = new ToolCallFormat.Tool("get_weather", "", JSON.readTree(
                "{\"type\":\"object\",\"properties\":{\"city\":{\"enum\":[\"Paris\",\"Oslo\"]},\"days\":{\"type\":\"integer\","
                        + "\"minimum\":1,\"maximum\":7}},\"required\":[\"city\",\"days\"],\"additionalProperties\":false}"));
        String gbnf = ToolCallFormat.grammar(List.of(weather), 1).replaceFirst("\"\\[TOOL_CALLS\\]\"", "\"" + trigger + "\"");
        assertTrue(gbnf.startsWith("root ::= \"" + trigger + "\""), gbnf);
        Completion lazy = generate(SamplingSettings.builder().temperature(0).grammar(gbnf).grammarTrigger(trigger).build(), 80);

        assertTrue(lazy.text().startsWith(prefix), "free until the trigger:\n" + lazy.text() + "\nvs\n" + prefix);
        ToolCallParser parser = new ToolCallParser();
        parser.feed(ToolCallFormat.MARKER + lazy.text().substring(prefix.length()));
        parser.finish();
        assertTrue(parser.complete(), lazy.text());
        assertEquals(1, parser.calls().size());
        JsonNode arguments = JSON.readTree(parser.calls().getFirst().arguments());
        assertTrue(Set.of("Paris", "Oslo").contains(arguments.get("city").textValue()), arguments.toString());
        int days = arguments.get("days").intValue();
        assertTrue(days >= 1 && days <= 7, arguments.toString());
    }

    @Test
    void withoutTheTriggerTheReplyIsTheFreeOne() {
        Completion free = generate(SamplingSettings.builder().temperature(0).build(), 24);
        String gbnf = "root ::= \"zqxj\" [0-9]";
        Completion lazy = generate(SamplingSettings.builder().temperature(0).grammar(gbnf).grammarTrigger("zqxj").build(), 24);
        assertTrue(!free.text().contains("zqxj"));
        assertEquals(free.text(), lazy.text());
    }
}
