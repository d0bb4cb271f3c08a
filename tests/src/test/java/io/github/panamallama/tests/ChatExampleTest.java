package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.ChatSession;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scripts/example chat} in its own process, driven through stdin (and SIGINT) like a user would. */
class ChatExampleTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern TURN_STATS = Pattern.compile(
            "\\[(\\d+) prompt tokens decoded, (\\d+) reused from memory; (\\d+) generated, [\\d.]+ tokens/s;"
                    + " stop: ([A-Z_]+); memory holds (\\d+) tokens]");

    /** A turn's answer from a transcript: between the echoed line "> message" and the next prompt. */
    private static String answerAfter(String transcript, String message, int occurrence) {
        int at = -1;
        for (int i = 0; i <= occurrence; i++) {
            at = transcript.indexOf("> " + message + "\n", at + 1);
            assertTrue(at >= 0, "no turn '" + message + "' #" + occurrence + " in:\n" + transcript);
        }
        int start = at + message.length() + 3;
        int end = transcript.indexOf("\n> ", start);
        return transcript.substring(start, end);
    }

    private static List<MatchResult> turnStats(String err) {
        return TURN_STATS.matcher(err).results().toList();
    }

    @Test
    void turnsReuseMemoryAndSaveLoadResetReproduceAnswers(@TempDir Path directory) throws Exception {
        Path session = directory.resolve("chat.session");
        String transcript;
        String err;
        try (ExampleProcess chat = ExampleProcess.start("chat", "--temp", "0", "-n", "12", "-c", "1024")) {
            for (String line : List.of("hello there", "how are you", "/save " + session, "what next", "/load " + session,
                    "what next", "/reset", "hello there", "/quit")) {
                chat.send(line);
            }
            assertEquals(0, chat.waitFor(TIMEOUT), chat.transcript());
            transcript = chat.out();
            err = chat.err();
        }
        assertTrue(err.contains("note: no --model given: using the built-in tiny-Mistral test model"), err);
        assertTrue(err.contains("chat template: mistral-v1 (the model has none)"), err);
        assertTrue(Files.isRegularFile(session) && Files.isRegularFile(directory.resolve("chat.session.history.json")));

        String first = answerAfter(transcript, "hello there", 0);
        answerAfter(transcript, "how are you", 0); // the second turn was answered
        String beforeSave = answerAfter(transcript, "what next", 0);
        String afterLoad = answerAfter(transcript, "what next", 1);
        String afterReset = answerAfter(transcript, "hello there", 1);
        assertEquals(beforeSave, afterLoad, "the turn after /load repeats the turn after /save");
        assertEquals(first, afterReset, "after /reset the conversation starts over");

        // The first turn through the library's ChatSession (same template, greedy) gives the same text.
        int newTextTokens;
        try (LlamaModel model = LlamaModel.load(TestFixtures.tinyMistralF16());
             LlamaContext context = model.newContext(ContextOptions.builder().contextLength(1024).build())) {
            ChatSession reference = ChatSession.create(context);
            GenerationOptions options = GenerationOptions.builder().maxTokens(12).build();
            assertEquals(reference.send("hello there", options).text(), first);
            // What the second turn adds to the memory: the end of the first reply and the new message.
            newTextTokens = model.vocabulary().tokenize("</s> [INST] how are you [/INST]", false, true).length;
        }
        assertTrue(first.startsWith(" "), "the fixture's reply starts with a word: '" + first + "'");

        List<MatchResult> stats = turnStats(err);
        assertEquals(5, stats.size(), err);
        assertEquals(0, Integer.parseInt(stats.get(0).group(2)), "the first turn has nothing to reuse");
        int firstMemory = Integer.parseInt(stats.get(0).group(5));
        assertEquals(firstMemory, Integer.parseInt(stats.get(1).group(2)), "the second turn reuses all of the first: " + err);
        assertEquals(newTextTokens, Integer.parseInt(stats.get(1).group(1)), "and decodes only the new text: " + err);
        int savedTokens = Integer.parseInt(stats.get(1).group(5));
        assertTrue(err.contains("(saved " + savedTokens + " tokens and 4 messages to " + session + ")"), err);
        assertTrue(err.contains("(loaded " + savedTokens + " tokens and 4 messages from " + session + ")"), err);
        // After /load the memory is the saved one: the turn reuses exactly what it reused before.
        assertEquals(stats.get(2).group(2), stats.get(3).group(2), err);
        assertEquals(stats.get(2).group(1), stats.get(3).group(1), err);
        assertTrue(Integer.parseInt(stats.get(3).group(2)) > 0, err);
        assertEquals(0, Integer.parseInt(stats.get(4).group(2)), "/reset empties the memory: " + err);
        for (MatchResult turn : stats) {
            int decoded = Integer.parseInt(turn.group(1));
            int reused = Integer.parseInt(turn.group(2));
            int generated = Integer.parseInt(turn.group(3));
            assertEquals(decoded + reused + generated, Integer.parseInt(turn.group(5)), "memory = prompt + answer: " + err);
        }
    }

    @Test
    void badCommandsAndMissingSessionsAreReportedAndTheChatGoesOn(@TempDir Path directory) throws Exception {
        try (ExampleProcess chat = ExampleProcess.start("chat", "--temp", "0", "-n", "4", "-c", "512")) {
            for (String line : List.of("/bogus", "/save", "/load " + directory.resolve("none"), "hi")) {
                chat.send(line);
            }
            chat.closeInput();
            assertEquals(0, chat.waitFor(TIMEOUT), chat.transcript());
            assertTrue(chat.err().contains("unknown command /bogus: use /reset, /save FILE, /load FILE or /quit"), chat.err());
            assertTrue(chat.err().contains("error: /save needs a file name"), chat.err());
            assertTrue(chat.err().contains("error: no saved session at " + directory.resolve("none")), chat.err());
            assertEquals(1, turnStats(chat.err()).size(), "the chat went on: " + chat.transcript());
        }
    }

    @Test
    void ctrlCStopsTheAnswerButNotTheProgramAndQuitsAtThePrompt() throws Exception {
        try (ExampleProcess chat = ExampleProcess.start("chat", "--temp", "1.0", "--seed", "5", "--min-p", "0",
                "-n", "100000", "-c", "4096")) {
            chat.awaitErr(err -> err.contains("chat template:"), TIMEOUT);
            chat.send("tell me a very long story");
            // Wait for part of the answer, then press Ctrl-C.
            chat.awaitOut(out -> out.length() > "> tell me a very long story\n".length() + 40, TIMEOUT);
            chat.interrupt();
            chat.awaitOut(out -> out.contains(" [stopped]\n> "), TIMEOUT);
            chat.awaitErr(err -> err.contains("stop: CANCELLED"), TIMEOUT);
            chat.send("and now?");
            // The program goes on: a second answer starts (and is stopped the same way).
            chat.awaitOut(out -> out.length() > out.indexOf("> and now?\n") + "> and now?\n".length() + 20
                    && out.contains("> and now?\n"), TIMEOUT);
            chat.interrupt();
            chat.awaitErr(err -> turnStats(err).size() == 2, TIMEOUT);
            assertEquals("CANCELLED", turnStats(chat.err()).get(1).group(4), chat.transcript());
            List<MatchResult> stats = turnStats(chat.err());
            assertTrue(Integer.parseInt(stats.get(0).group(3)) < 100000, chat.err());
            assertTrue(Integer.parseInt(stats.get(1).group(2)) > 0, "the stopped answer stays in memory: " + chat.err());
            // At the prompt, Ctrl-C ends the program as shells expect.
            chat.awaitOut(out -> out.endsWith("\n> "), TIMEOUT);
            chat.interrupt();
            assertEquals(130, chat.waitFor(TIMEOUT), chat.transcript());
        }
    }

    @Test
    void systemPromptIsPartOfTheConversation() throws Exception {
        String answer;
        try (ExampleProcess chat = ExampleProcess.start("chat", "--temp", "0", "-n", "10", "-c", "512",
                "--system", "Answer briefly.")) {
            chat.send("hello there");
            chat.closeInput();
            assertEquals(0, chat.waitFor(TIMEOUT), chat.transcript());
            answer = answerAfter(chat.out(), "hello there", 0);
        }
        try (LlamaModel model = LlamaModel.load(TestFixtures.tinyMistralF16());
             LlamaContext context = model.newContext(ContextOptions.builder().contextLength(512).build())) {
            GenerationOptions options = GenerationOptions.builder().maxTokens(10).build();
            String withSystem = ChatSession.create(context).system("Answer briefly.").send("hello there", options).text();
            assertEquals(withSystem, answer);
        }
    }

    @Test
    void unknownTemplateIsAReadableError() throws Exception {
        try (ExampleProcess chat = ExampleProcess.start("chat", "--chat-template", "no-such-template", "-c", "256")) {
            chat.closeInput();
            assertEquals(2, chat.waitFor(TIMEOUT), chat.transcript());
            assertTrue(chat.err().contains("--chat-template: llama.cpp does not support the chat template \"no-such-template\""),
                    chat.err());
        }
    }
}
