package io.github.panamallama.examples.server;

import io.github.panamallama.Vocabulary;
import java.nio.charset.StandardCharsets;

/**
 * Refuses a text too long for a context from its byte length alone, before any tokenizing:
 * no token stands for more bytes than the vocabulary's longest piece, so a text of more than
 * {@code tokens × longestPiece} bytes cannot fit in {@code tokens} tokens. (Tokenizing a body
 * of several megabytes takes seconds; this takes nothing.) Only a WordPiece vocabulary, which
 * reads an unknown word of any length as one token, could see such a text fit after all.
 */
final class PromptBound {
    private final int longestPieceBytes;

    PromptBound(Vocabulary vocabulary) {
        int longest = 1;
        for (int token = 0; token < vocabulary.size(); token++) {
            longest = Math.max(longest, vocabulary.tokenPieceBytes(token, true).length);
        }
        this.longestPieceBytes = longest;
    }

    /** The most UTF-8 bytes that could fit in {@code tokens} tokens. */
    long mostBytes(int tokens) {
        return (long) tokens * longestPieceBytes;
    }

    /** @throws ApiException 400 naming {@code field} if {@code text} cannot fit in {@code tokens} */
    void check(String text, int tokens, String field) {
        long most = mostBytes(tokens);
        // A char is 1 to 3 UTF-8 bytes: count the bytes only when the char count cannot decide.
        if (text.length() > most || ((long) text.length() * 3 > most && text.getBytes(StandardCharsets.UTF_8).length > most)) {
            throw tooLong(field, "is " + text.getBytes(StandardCharsets.UTF_8).length, tokens);
        }
    }

    /** @throws ApiException 400 naming {@code field} if texts of at least {@code leastBytes} cannot fit */
    void checkAtLeast(long leastBytes, int tokens, String field) {
        if (leastBytes > mostBytes(tokens)) {
            throw tooLong(field, "is at least " + leastBytes, tokens);
        }
    }

    private ApiException tooLong(String field, String size, int tokens) {
        String what = field.startsWith("input") ? "input" : field.equals("messages") ? "conversation" : "prompt";
        return ApiException.invalid(field, "The " + what + " " + size + " bytes; at most " + mostBytes(tokens)
                + " bytes can fit in " + tokens + " tokens (no token of this model is longer than " + longestPieceBytes
                + " bytes).");
    }
}
