package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.LlamaModel;
import io.github.panamallama.ModelOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scripts/example long-context}: the window accounting must add up. */
class LongContextExampleTest {
    private static final Pattern WINDOW = Pattern.compile("window: (\\d+) tokens \\(n_ctx\\)\n"
            + "  prompt: (\\d+) tokens \\(text (\\d+), chat template and question (\\d+)\\)\n"
            + "  answer: (\\d+) tokens \\(stop: [A-Z_]+\\)\n"
            + "  used: +(\\d+) of (\\d+) tokens \\([\\d.]+%\\), (\\d+) free\n"
            + "KV cache: (\\d+) bytes \\([\\d.]+ MiB\\) for (\\d+) tokens, computed from the model's dimensions: "
            + "2 layers x \\d+ tokens x 2 KV heads x \\(32 key \\+ 32 value dims\\) x 2 bytes \\(F16\\)\n"
            + "  the (\\d+) tokens used occupy (\\d+) bytes of it\n");

    private static LlamaModel vocabulary;

    @BeforeAll
    static void load() {
        vocabulary = LlamaModel.load(TestFixtures.tinyMistralF16(), ModelOptions.builder().vocabOnly(true).build());
    }

    @AfterAll
    static void close() {
        vocabulary.close();
    }

    private static Path document(Path directory, int sentences) throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < sentences; i++) {
            text.append("Sentence ").append(i).append(" tells of the harbour and the hills. ");
        }
        return Files.writeString(directory.resolve("document.txt"), text.toString());
    }

    private static Matcher window(ExampleRun run) {
        assertEquals(0, run.exitCode(), run.both());
        Matcher matcher = WINDOW.matcher(run.err());
        assertTrue(matcher.find(), "no window report:\n" + run.err());
        return matcher;
    }

    private static int number(Matcher matcher, int group) {
        return Integer.parseInt(matcher.group(group));
    }

    /** Checks every figure of the report against the others and the model's dimensions. */
    private static void assertAddsUp(Matcher report, int window, int maxAnswer) {
        int prompt = number(report, 2);
        int answer = number(report, 5);
        int used = number(report, 6);
        assertEquals(window, number(report, 1));
        assertEquals(prompt, number(report, 3) + number(report, 4), "prompt = text + template and question");
        assertTrue(answer >= 1 && answer <= maxAnswer, "answer tokens " + answer);
        assertEquals(prompt + answer, used, "used = prompt + answer");
        assertEquals(window, number(report, 7));
        assertEquals(window - used, number(report, 8), "free = n_ctx - used");
        // Tiny Mistral: 2 layers, 2 KV heads of 32 dims, K and V in F16.
        long bytesPerToken = 2L * 2 * (32 + 32) * 2;
        assertEquals(bytesPerToken * window, Long.parseLong(report.group(9)));
        assertEquals(window, number(report, 10));
        assertEquals(used, number(report, 11));
        assertEquals(bytesPerToken * used, Long.parseLong(report.group(12)));
    }

    @Test
    void reportsWindowUsageThatAddsUp(@TempDir Path directory) throws Exception {
        Path file = document(directory, 60);
        int textTokens = vocabulary.vocabulary().tokenize(Files.readString(file).strip(), false, false).length;
        ExampleRun run = ExampleRun.of("long-context", "-c", "2048", "-n", "8", "--temp", "0",
                "--question", "Which sentence mentions the hills?", file.toString());
        Matcher report = window(run);
        assertAddsUp(report, 2048, 8);
        assertEquals(textTokens, number(report, 3), "the whole file is in the prompt");
        assertTrue(number(report, 4) > 0 && number(report, 4) < 40, "template and question: " + number(report, 4));
        assertTrue(!run.err().contains("truncated"), run.err());
        assertTrue(!run.out().isBlank(), "an answer on stdout");
    }

    @Test
    void aTextTooLongFailsClearlyWithoutTruncate(@TempDir Path directory) throws Exception {
        Path file = document(directory, 400);
        ExampleRun run = ExampleRun.of("long-context", "-c", "1024", "-n", "8", file.toString());
        assertEquals(2, run.exitCode(), run.both());
        assertTrue(run.err().matches("(?s).*the text does not fit: it is \\d+ tokens, with the question and chat template"
                + " the prompt is \\d+; the window is 1024 tokens and 8 are kept for the answer \\(--max-tokens\\)\\."
                + " Pass --truncate.*"), run.err());
    }

    @Test
    void truncateDropsTheBeginningAndSaysHowMuch(@TempDir Path directory) throws Exception {
        Path file = document(directory, 400);
        int textTokens = vocabulary.vocabulary().tokenize(Files.readString(file).strip(), false, false).length;
        assertTrue(textTokens > 1024, "the file is longer than the window: " + textTokens);
        ExampleRun run = ExampleRun.of("long-context", "-c", "1024", "-n", "8", "--temp", "0", "--truncate",
                file.toString());
        Matcher report = window(run);
        assertAddsUp(report, 1024, 8);
        Matcher truncated = Pattern.compile("truncated: dropped the first (\\d+) of (\\d+) text tokens to fit the window")
                .matcher(run.err());
        assertTrue(truncated.find(), run.err());
        assertEquals(textTokens, Integer.parseInt(truncated.group(2)));
        assertEquals(textTokens - Integer.parseInt(truncated.group(1)), number(report, 3), "kept = all - dropped");
        assertTrue(number(report, 2) + 8 <= 1024, "prompt and answer fit the window");
        assertTrue(number(report, 2) + 8 > 1024 - 16, "and fill it: " + number(report, 2));
    }

    @Test
    void runsWithNoArgumentsOnAGeneratedText() {
        ExampleRun run = ExampleRun.of("long-context", "-n", "4");
        Matcher report = window(run);
        assertAddsUp(report, 32768, 4);
        assertTrue(run.err().contains("note: no --model given"), run.err());
        assertTrue(run.err().contains("note: no FILE given: using a generated text of about 4000 tokens with a secret"
                + " number (4817)"), run.err());
        assertTrue(number(report, 3) > 3000 && number(report, 3) <= 4000, "text tokens " + number(report, 3));
    }

    @Test
    void badInputIsAReadableError(@TempDir Path directory) throws Exception {
        ExampleRun missing = ExampleRun.of("long-context", directory.resolve("none.txt").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("no such file: " + directory.resolve("none.txt")), missing.err());
        Path empty = Files.writeString(directory.resolve("empty.txt"), "  \n");
        ExampleRun blank = ExampleRun.of("long-context", empty.toString());
        assertEquals(2, blank.exitCode());
        assertTrue(blank.err().contains("the file is empty: " + empty), blank.err());
        Path binary = Files.write(directory.resolve("binary.txt"), new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF});
        ExampleRun notText = ExampleRun.of("long-context", binary.toString());
        assertEquals(2, notText.exitCode());
        assertTrue(notText.err().contains(binary + " is not UTF-8 text"), notText.err());
        ExampleRun tooManyAnswerTokens = ExampleRun.of("long-context", "-c", "256", "-n", "256", document(directory, 2).toString());
        assertEquals(2, tooManyAnswerTokens.exitCode());
        assertTrue(tooManyAnswerTokens.err().contains("--max-tokens 256 leaves no room for the text in a window of 256"),
                tooManyAnswerTokens.err());
    }
}
