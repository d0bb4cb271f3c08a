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
import io.github.panamallama.StopReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scripts/example generate} on the built-in tiny-Mistral model, checked against the API. */
class GenerateExampleTest {
    private static final String PROMPT = "The little dog";
    private static final Pattern TIMINGS = Pattern.compile("load: \\d+ ms \\| prompt: (\\d+) tokens, [\\d.]+ tokens/s"
            + " \\| generation: (\\d+) tokens, [\\d.]+ tokens/s \\| stop: ([A-Z_]+)");

    private static LlamaModel model;
    private static LlamaContext context;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(TestFixtures.tinyMistralF16());
        context = model.newContext(ContextOptions.builder().contextLength(512).build());
    }

    @AfterAll
    static void close() {
        context.close();
        model.close();
    }

    /** What the API's own greedy completion gives. */
    private static Completion greedy(String prompt, int maxTokens) {
        return context.complete(prompt, GenerationOptions.builder().maxTokens(maxTokens).build());
    }

    private static Matcher timings(ExampleRun run) {
        Matcher matcher = TIMINGS.matcher(run.err());
        assertTrue(matcher.find(), "no timings line on stderr:\n" + run.both());
        return matcher;
    }

    @Test
    void greedyOutputIsTheApisGreedyCompletionAndRepeats() {
        Completion expected = greedy(PROMPT, 24);
        ExampleRun first = ExampleRun.of("generate", "--temp", "0", "-n", "24", "-c", "512", PROMPT);
        ExampleRun second = ExampleRun.of("generate", "--temp", "0", "-n", "24", "-c", "512", "-p", PROMPT);
        assertEquals(0, first.exitCode(), first.both());
        assertEquals(expected.text() + "\n", first.out(), "stdout is exactly the completion");
        assertEquals(first.out(), second.out(), "greedy generation is deterministic");
        Matcher timings = timings(first);
        assertEquals(expected.timings().promptTokens(), Integer.parseInt(timings.group(1)));
        assertEquals(expected.tokens().length, Integer.parseInt(timings.group(2)));
        assertTrue(first.err().contains("sampler: greedy"), first.err());
    }

    @Test
    void maxTokensIsRespected() {
        Completion expected = greedy(PROMPT, 5);
        assertEquals(StopReason.MAX_TOKENS, expected.stopReason(), "the fixture does not end within 5 tokens");
        ExampleRun run = ExampleRun.of("generate", "--temp", "0", "--max-tokens", "5", "-c", "512", PROMPT);
        assertEquals(0, run.exitCode(), run.both());
        assertEquals(expected.text() + "\n", run.out());
        Matcher timings = timings(run);
        assertEquals("5", timings.group(2));
        assertEquals("MAX_TOKENS", timings.group(3));
    }

    @Test
    void seededSamplingRepeatsWithTheSameSeedAndRespectsMaxTokens() {
        String[] args = {"generate", "--seed", "1234", "--temp", "1.0", "-n", "12", "-c", "512", PROMPT};
        ExampleRun first = ExampleRun.of(args);
        ExampleRun second = ExampleRun.of(args);
        assertEquals(0, first.exitCode(), first.both());
        assertEquals(first.out(), second.out());
        assertTrue(first.err().contains("| seed: 1234"), first.err());
        assertTrue(Integer.parseInt(timings(first).group(2)) <= 12);
    }

    @Test
    void stopStringEndsTheTextBeforeIt() {
        String text = greedy(PROMPT, 40).text();
        String stop = text.substring(12, 15);
        assertTrue(!stop.isBlank(), "a visible stop string from the middle of '" + text + "'");
        ExampleRun run = ExampleRun.of("generate", "--temp", "0", "-n", "40", "-c", "512",
                "--stop", "no such text", "--stop", stop, PROMPT);
        assertEquals(0, run.exitCode(), run.both());
        assertEquals(text.substring(0, text.indexOf(stop)) + "\n", run.out());
        assertEquals("STOP_STRING", timings(run).group(3));
    }

    @Test
    void jsonSchemaOutputParsesAndMatchesTheSchema(@TempDir Path directory) throws Exception {
        String schema = """
                {"type": "object",
                 "properties": {"name": {"type": "string", "maxLength": 8},
                                "count": {"type": "integer", "minimum": 0, "maximum": 99},
                                "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "maxItems": 3}},
                 "required": ["name", "count", "tags"],
                 "additionalProperties": false}""";
        Path schemaFile = Files.writeString(directory.resolve("schema.json"), schema);
        for (List<String> sampling : List.of(List.of("--temp", "0"), List.of("--temp", "0.9", "--seed", "7"))) {
            for (String schemaArgument : List.of(schema, schemaFile.toString())) {
                var args = new java.util.ArrayList<>(List.of("generate", "-n", "200", "-c", "512",
                        "--json-schema", schemaArgument, "Answer in JSON:"));
                args.addAll(sampling);
                ExampleRun run = ExampleRun.of(args.toArray(String[]::new));
                assertEquals(0, run.exitCode(), run.both());
                assertEquals("EOS", timings(run).group(3), "the grammar completes the document: " + run.both());
                JsonNode json = new ObjectMapper().readTree(run.out());
                assertEquals(Set.of("name", "count", "tags"), Set.copyOf(iterable(json.fieldNames())), run.out());
                assertTrue(json.get("name").isTextual() && json.get("name").asText().length() <= 8, run.out());
                assertTrue(json.get("count").isInt() && json.get("count").asInt() >= 0 && json.get("count").asInt() <= 99,
                        run.out());
                assertTrue(json.get("tags").isArray() && json.get("tags").size() <= 3, run.out());
                json.get("tags").forEach(tag -> assertTrue(Set.of("a", "b").contains(tag.asText()), run.out()));
            }
        }
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    @Test
    void grammarFileConstrainsTheOutput(@TempDir Path directory) throws Exception {
        Path grammar = Files.writeString(directory.resolve("yes-no.gbnf"), "root ::= (\"yes\" | \"no\") \"!\"\n");
        ExampleRun run = ExampleRun.of("generate", "--temp", "0.8", "--seed", "3", "-n", "20", "-c", "512",
                "--grammar-file", grammar.toString(), PROMPT);
        assertEquals(0, run.exitCode(), run.both());
        assertTrue(run.out().equals("yes!\n") || run.out().equals("no!\n"), run.both());
    }

    @Test
    void runsWithNoArgumentsOnTheBuiltInModelAndSaysSo() {
        ExampleRun run = ExampleRun.of("generate");
        assertEquals(0, run.exitCode(), run.both());
        assertTrue(run.err().contains("note: no --model given: using the built-in tiny-Mistral test model"), run.err());
        assertTrue(run.err().contains("note: no prompt given: completing \"Once upon a time\""), run.err());
        assertTrue(run.err().contains("context: 32768 tokens"), "the model's training context: " + run.err());
        assertTrue(Integer.parseInt(timings(run).group(2)) <= 128, run.err());
    }

    @Test
    void badOptionsAreReadableErrors(@TempDir Path directory) throws Exception {
        assertError(List.of("--top-p", "2"), "--top-p must be in (0, 1]: 2.0");
        assertError(List.of("--max-tokens", "0"), "--max-tokens must be > 0: 0");
        assertError(List.of("--bogus"), "Unknown option: '--bogus'");
        assertError(List.of("--temp", "warm"), "Invalid value for option '--temp': 'warm' is not a float");
        assertError(List.of("--model", directory.resolve("none.gguf").toString()), "--model: no such file: ");
        assertError(List.of("--grammar-file", directory.resolve("none.gbnf").toString()), "--grammar-file: no such file: ");
        assertError(List.of("--json-schema", "{\"type\": \"strange\"}"), "--json-schema: ");
        assertError(List.of("--json-schema", "{}", "--grammar-file", "x.gbnf"), "mutually exclusive");
        assertError(List.of("-p", "one", "two"), "give the prompt once");
        Path broken = Files.writeString(directory.resolve("broken.gbnf"), "root ::= (\"unclosed\"\n");
        assertError(List.of("--grammar-file", broken.toString()), "--grammar-file " + broken + ": ");
        ExampleRun tooLong = ExampleRun.of("generate", "-c", "256", "word ".repeat(400));
        assertEquals(2, tooLong.exitCode(), tooLong.both());
        assertTrue(tooLong.err().contains("error: the prompt is 802 tokens; the context holds 256; pass a larger"
                + " --context-length or a shorter prompt"), tooLong.err());
        assertTrue(!tooLong.err().contains("\tat "), tooLong.err());
        Path notGguf = Files.writeString(directory.resolve("text.gguf"), "not a model");
        ExampleRun run = ExampleRun.of("generate", "--model", notGguf.toString());
        assertEquals(2, run.exitCode(), run.both());
        assertTrue(run.err().contains("error: Cannot load model " + notGguf + ": not a GGUF file"), run.err());
    }

    private static void assertError(List<String> options, String message) {
        var args = new java.util.ArrayList<>(List.of("generate", "-c", "256"));
        args.addAll(options);
        ExampleRun run = ExampleRun.of(args.toArray(String[]::new));
        assertEquals(2, run.exitCode(), run.both());
        assertEquals("", run.out(), "no text on stdout for " + options);
        assertTrue(run.err().contains(message), "expected '" + message + "' for " + options + ":\n" + run.err());
        assertTrue(!run.err().contains("\tat "), "no stack trace:\n" + run.err());
    }
}
