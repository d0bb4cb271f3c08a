package io.github.panamallama.benchmarks;

import io.github.panamallama.Vocabulary;
import java.util.Arrays;

/**
 * A prompt text that tokenizes (with BOS, as the generation loops tokenize it) to an exact number
 * of tokens on a given vocabulary: {@link GenerationSample#PROMPT}, repeated as needed, cut at a
 * token boundary. pp512 means 512 prompt tokens whatever the tokenizer does with the text.
 */
final class PromptOfLength {
    private PromptOfLength() {}

    static String of(Vocabulary vocabulary, int tokens) {
        if (tokens < 2) {
            throw new IllegalArgumentException("a prompt needs at least 2 tokens (BOS and one more): " + tokens);
        }
        String text = GenerationSample.PROMPT;
        while (vocabulary.tokenize(text, true, true).length < tokens) {
            text = text + " " + GenerationSample.PROMPT;
        }
        // Cutting at a token and detokenizing may tokenize differently at the cut (pieces merge
        // or split): try cuts around the wanted length until the text's own tokenization has it.
        int[] all = vocabulary.tokenize(text + " " + GenerationSample.PROMPT, true, true);
        int first = vocabulary.addsBos() ? 1 : 0;
        int body = tokens - first;
        for (int offset = 0; offset <= 8; offset++) {
            for (int cut : new int[] {body + offset, body - offset}) {
                if (cut >= 1 && first + cut <= all.length) {
                    String candidate = vocabulary.detokenize(Arrays.copyOfRange(all, first, first + cut), true, false);
                    if (vocabulary.tokenize(candidate, true, true).length == tokens) {
                        return candidate;
                    }
                }
            }
        }
        throw new IllegalStateException("no cut of the benchmark text tokenizes to exactly " + tokens + " tokens");
    }
}
