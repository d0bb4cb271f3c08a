package io.github.panamallama.benchmarks;

import io.github.panamallama.fixture.Corpus;
import java.nio.charset.StandardCharsets;

/**
 * Text to tokenize: the kind the fixture's tokenizer was trained on (common words, made-up
 * words, numbers, punctuation, some accented, CJK and emoji characters), as much as asked for.
 */
final class BenchmarkText {
    private static final long SEED = 0xBE_4C_4DL;

    private BenchmarkText() {}

    /** At most {@code bytes} UTF-8 bytes of whole lines, at least {@code bytes} - 200. */
    static String ofUtf8Bytes(int bytes) {
        String corpus = Corpus.generate(SEED, bytes / 40 + 16);
        while (corpus.getBytes(StandardCharsets.UTF_8).length < bytes) {
            corpus = corpus + corpus; // only for sizes the line estimate fell short of
        }
        StringBuilder text = new StringBuilder(bytes);
        int length = 0;
        for (String line : corpus.split("(?<=\n)")) {
            int lineBytes = line.getBytes(StandardCharsets.UTF_8).length;
            if (length + lineBytes > bytes) {
                break;
            }
            text.append(line);
            length += lineBytes;
        }
        return text.toString();
    }
}
