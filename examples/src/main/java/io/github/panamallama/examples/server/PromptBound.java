package io.github.panamallama.examples.server;

import io.github.panamallama.Vocabulary;

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

    /** @throws ApiException 400 naming {@code field} if {@code bytes} cannot fit in {@code tokens} */
    void check(long bytes, int tokens, String field) {
        long most = (long) tokens * longestPieceBytes;
        if (bytes > most) {
            throw ApiException.invalid(field, "The " + (field.startsWith("input") ? "input" : "prompt") + " is " + bytes
                    + " bytes; at most " + most + " bytes can fit in " + tokens + " tokens (no token of this model is longer than "
                    + longestPieceBytes + " bytes).");
        }
    }

    /** The UTF-8 length of {@code text}, without encoding it. */
    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
