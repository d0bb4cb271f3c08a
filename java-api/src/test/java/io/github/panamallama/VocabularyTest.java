package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VocabularyTest {
    private LlamaModel model;
    private Vocabulary vocab;

    @BeforeAll
    void load() {
        model = TestModels.loadVocab("llama-spm");
        vocab = model.vocabulary();
    }

    @AfterAll
    void close() {
        model.close();
    }

    /** One case of llama.cpp's tokenizer test data: input text and expected ids. */
    record Case(String text, int[] expected) {
        @Override
        public String toString() {
            return text.length() > 40 ? text.substring(0, 40) + "..." : text;
        }
    }

    /**
     * Reads {@code <vocab>.inp} (cases, each followed by a line {@code __ggml_vocab_test__}) and
     * {@code <vocab>.out} (one line of space-separated ids per case).
     */
    static List<Case> cases(Path vocabFile) throws IOException {
        String inputs = Files.readString(Path.of(vocabFile + ".inp"), StandardCharsets.UTF_8);
        List<String> outputs = Files.readAllLines(Path.of(vocabFile + ".out"), StandardCharsets.UTF_8);
        String separator = "\n__ggml_vocab_test__\n";
        List<String> texts = new ArrayList<>();
        int pos = 0;
        while (pos < inputs.length()) {
            int next = inputs.indexOf(separator, pos);
            if (next < 0) {
                texts.add(inputs.substring(pos));
                break;
            }
            texts.add(inputs.substring(pos, next));
            pos = next + separator.length();
        }
        assertEquals(texts.size(), outputs.size(), "inputs and outputs of " + vocabFile);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String line = outputs.get(i).strip();
            int[] ids = line.isEmpty() ? new int[0] : Arrays.stream(line.split(" ")).mapToInt(Integer::parseInt).toArray();
            cases.add(new Case(texts.get(i), ids));
        }
        return cases;
    }

    Stream<Case> spmCases() throws IOException {
        List<Case> cases = cases(TestModels.vocab("llama-spm"));
        assertTrue(cases.size() >= 40, "expected llama.cpp's full case list, got " + cases.size());
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("spmCases")
    void tokenizesLikeLlamaCppTestData(Case c) {
        assertArrayEquals(c.expected(), vocab.tokenize(c.text(), false, false), c.text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-bpe", "phi-3", "gpt-2", "qwen2", "bert-bge", "command-r", "falcon"})
    void tokenizesOtherVocabulariesLikeLlamaCppTestData(String name) throws IOException {
        try (LlamaModel other = TestModels.loadVocab(name)) {
            for (Case c : cases(TestModels.vocab(name))) {
                assertArrayEquals(c.expected(), other.vocabulary().tokenize(c.text(), false, false), name + ": " + c.text());
            }
        }
    }

    @Test
    void specialTokensOfLlamaSpm() {
        assertEquals(32000, vocab.size());
        assertEquals(VocabularyType.SPM, vocab.type());
        assertEquals(1, vocab.bos().getAsInt());
        assertEquals(2, vocab.eos().getAsInt());
        assertTrue(vocab.addsBos());
        assertFalse(vocab.addsEos());
        assertEquals(13, vocab.newline().getAsInt());
        assertTrue(vocab.isEndOfGeneration(2));
        assertFalse(vocab.isEndOfGeneration(1));
        assertFalse(vocab.isEndOfGeneration(15043));
        assertTrue(vocab.isControl(1));
        assertFalse(vocab.isControl(15043));
    }

    @Test
    void addSpecialPutsBosFirst() {
        assertArrayEquals(new int[] {1, 15043, 3186}, vocab.tokenize("Hello world", true, false));
        assertArrayEquals(new int[] {15043, 3186}, vocab.tokenize("Hello world", false, false));
        assertArrayEquals(new int[] {1, 15043, 3186}, vocab.tokenize("Hello world"));
    }

    @Test
    void emptyText() {
        assertArrayEquals(new int[0], vocab.tokenize("", false, false));
        assertArrayEquals(new int[] {1}, vocab.tokenize("", true, false));
        assertEquals("", vocab.detokenize(new int[0]));
    }

    @Test
    void parseSpecialRecognisesControlTokensInText() {
        assertArrayEquals(new int[] {1, 15043}, vocab.tokenize("<s>Hello", false, true));
        int[] plain = vocab.tokenize("<s>Hello", false, false);
        assertTrue(plain.length > 2, Arrays.toString(plain));
        assertFalse(Arrays.stream(plain).anyMatch(t -> t == 1), "no BOS when not parsing specials");
    }

    @Test
    void longTextNeedsTheRetryPath() {
        // Emoji tokenize to byte-fallback tokens: far more tokens than the first buffer guess.
        String text = "🦙".repeat(5000) + " ünïcödé " + "x".repeat(100_000);
        int[] tokens = vocab.tokenize(text, false, false);
        assertTrue(tokens.length > 20_000, "tokens: " + tokens.length);
        assertEquals(text, vocab.detokenize(tokens, false, false).stripLeading());
    }

    @Test
    void textWithMoreTokensThanTheFirstGuess() {
        // Every emoji is four byte-fallback tokens: tokens = bytes, twice the first buffer.
        String text = "🦙🚀".repeat(1000);
        int[] tokens = vocab.tokenize(text, false, false);
        assertEquals(8001, tokens.length, "a leading space token and 8000 byte tokens");
        assertEquals(text, vocab.detokenize(tokens, false, false).stripLeading());
    }

    @Test
    void roundTripsAnyUtf8() {
        for (String text : List.of("Hello world", "нещо на Български", "日本語のテキスト", "emoji 🦙🚀 mix",
                "tabs\tand\nnewlines\r\n", "a\u0000b")) {
            int[] tokens = vocab.tokenize(text, true, false);
            // SentencePiece adds a space in front of the text; decoding keeps it.
            assertEquals(" " + text, vocab.detokenize(tokens, true, false), text);
            assertEquals("<s> " + text, vocab.detokenize(tokens, false, true), text);
        }
    }

    @Test
    void tokenPieces() {
        assertEquals(" Hello", vocab.tokenPiece(15043));
        assertEquals("▁Hello", vocab.tokenText(15043));
        assertEquals("<s>", vocab.tokenPiece(1));
        assertArrayEquals(new byte[0], vocab.tokenPieceBytes(1, false), "control token hidden without special");
        // Byte-fallback token <0xF0> is the single byte 0xF0 (start of a 4-byte character).
        int byteToken = 3 + 0xF0;
        assertEquals("<0xF0>", vocab.tokenText(byteToken));
        assertArrayEquals(new byte[] {(byte) 0xF0}, vocab.tokenPieceBytes(byteToken, false));
        assertEquals(Set.of(TokenAttribute.BYTE), vocab.attributes(byteToken));
        assertEquals(Set.of(TokenAttribute.CONTROL), vocab.attributes(1));
        assertEquals(Set.of(TokenAttribute.NORMAL), vocab.attributes(15043));
        assertTrue(vocab.score(15043) < 0);
    }

    @Test
    void outOfRangeTokenIdsAreRefused() {
        for (int bad : new int[] {-1, 32000, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vocab.tokenPiece(bad));
            assertTrue(e.getMessage().contains(Integer.toString(bad)), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> vocab.attributes(bad));
            assertThrows(IllegalArgumentException.class, () -> vocab.isEndOfGeneration(bad));
            assertThrows(IllegalArgumentException.class, () -> vocab.tokenText(bad));
            assertThrows(IllegalArgumentException.class, () -> vocab.score(bad));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> vocab.detokenize(new int[] {1, 15043, 40000}));
        assertTrue(e.getMessage().contains("tokens[2] = 40000"), e.getMessage());
    }

    @Test
    void closedModelClosesItsVocabulary() {
        LlamaModel other = TestModels.loadVocab("llama-spm");
        Vocabulary v = other.vocabulary();
        other.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> v.tokenize("x"));
        assertTrue(e.getMessage().contains("LlamaModel"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> v.bos());
        assertThrows(IllegalStateException.class, () -> v.size());
    }

    @Test
    void tokenizationIsThreadSafe() throws Exception {
        String text = "The quick brown fox jumps over the lazy dog. 🦙 Ünïcödé!";
        int[] expected = vocab.tokenize(text, true, false);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        assertArrayEquals(expected, vocab.tokenize(text, true, false));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(List.of(), failures);
    }
}
