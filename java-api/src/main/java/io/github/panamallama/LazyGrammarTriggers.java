package io.github.panamallama;

import static io.github.panamallama.internal.llama.llama_h.*;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Makes the triggers of a lazy grammar safe to hand to llama.cpp. Two of its failures end the
 * process through the C API (v0.5.0, src/llama-grammar.cpp): a trigger pattern std::regex
 * rejects throws {@code std::regex_error} from {@code llama_grammar_init_impl} ({@code
 * trigger.regex = std::regex(trigger.pattern)}, line 1297), and a trigger whose text the grammar
 * cannot accept throws from {@code llama_grammar_accept_token} ("Unexpected empty grammar stack",
 * line 1523) when {@code llama_grammar_accept_impl} replays it (lines 1403-1434).
 *
 * <p>So the public API takes trigger <em>words</em>, never raw patterns: each becomes the
 * escaped word anchored at the end of the output ({@code word$}), so it fires only on a token
 * that ends exactly on the word, and the grammar is fed exactly the word. (A raw pattern feeds
 * the grammar from its first group to the end of the output, text nobody can check in advance,
 * and libstdc++'s recursive regex matcher can overflow the stack on long outputs.) Before the
 * sampler is created, a plain copy of the grammar is asked whether it accepts each word and each
 * trigger token, as the replay will feed it.
 */
final class LazyGrammarTriggers {
    private LazyGrammarTriggers() {}

    /** Checks the words' form; returns the anchored, escaped patterns llama.cpp gets. */
    static List<String> patterns(List<String> words) {
        List<String> patterns = new ArrayList<>(words.size());
        for (String word : words) {
            if (word == null || word.isEmpty()) {
                throw new IllegalArgumentException("a trigger word must not be null or empty: " + words);
            }
            if (word.indexOf('\0') >= 0) {
                // C strings end at NUL: llama.cpp would see a shorter word than the one checked.
                throw new IllegalArgumentException("trigger word \"" + word.replace("\0", "\\0") + "\" contains NUL");
            }
            patterns.add(regexEscape(word) + "$");
        }
        return patterns;
    }

    /** Checks the token ids; an end-of-generation token cannot trigger (the grammar would abort on it). */
    static int[] tokens(int[] tokens, Vocabulary vocabulary) {
        int[] copy = tokens.clone();
        int size = vocabulary.size();
        for (int token : copy) {
            if (token < 0 || token >= size) {
                throw new IllegalArgumentException("trigger token " + token + " is not a token id (0.." + (size - 1) + ")");
            }
            if (vocabulary.isEndOfGeneration(token)) {
                throw new IllegalArgumentException("trigger token " + token + " ends generation: it cannot switch a grammar on");
            }
        }
        return copy;
    }

    /**
     * Throws {@link IllegalArgumentException} naming the first trigger that {@code grammar} (a
     * plain, non-lazy grammar stage built from the same text) does not accept from its start.
     */
    static void requireAccepted(MemorySegment grammar, Vocabulary vocabulary, List<String> words, int[] tokens) {
        for (String word : words) {
            byte[] utf8 = word.getBytes(StandardCharsets.UTF_8);
            int[] spelling = spell(vocabulary, word, utf8);
            llama_sampler_reset(grammar);
            int offset = 0;
            for (int token : spelling) {
                if (!GrammarGate.allows(grammar, token)) {
                    throw new IllegalArgumentException("the grammar does not accept trigger word \"" + word
                            + "\" (it is the grammar's first input): it stops after \""
                            + new String(utf8, 0, offset, StandardCharsets.UTF_8) + "\"");
                }
                llama_sampler_accept(grammar, token);
                offset += vocabulary.tokenPieceBytes(token, true).length;
            }
        }
        for (int token : tokens) {
            llama_sampler_reset(grammar);
            if (!GrammarGate.allows(grammar, token)) {
                throw new IllegalArgumentException("the grammar does not accept trigger token " + token + " (\""
                        + vocabulary.tokenPiece(token) + "\"), which would be its first input");
            }
        }
    }

    /**
     * Tokens whose pieces, as the grammar reads them, spell {@code utf8} exactly: the word's own
     * tokenization when it does, otherwise single-byte tokens (a SentencePiece tokenizer puts a
     * space before the first word, so its tokens spell " word").
     */
    private static int[] spell(Vocabulary vocabulary, String word, byte[] utf8) {
        int[] tokenized = vocabulary.tokenize(word, false, false);
        if (Arrays.equals(concatenatedPieces(vocabulary, tokenized), utf8)) {
            return tokenized;
        }
        BitSet needed = new BitSet(256);
        for (byte b : utf8) {
            needed.set(b & 0xFF);
        }
        int[] byteToken = new int[256];
        int size = vocabulary.size();
        for (int token = 0; token < size && !needed.isEmpty(); token++) {
            byte[] piece = vocabulary.tokenPieceBytes(token, true);
            if (piece.length == 1 && needed.get(piece[0] & 0xFF)) {
                byteToken[piece[0] & 0xFF] = token;
                needed.clear(piece[0] & 0xFF);
            }
        }
        if (!needed.isEmpty()) {
            throw new IllegalArgumentException("cannot check trigger word \"" + word
                    + "\" against the grammar: no tokens of this vocabulary spell it exactly");
        }
        int[] spelling = new int[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            spelling[i] = byteToken[utf8[i] & 0xFF];
        }
        return spelling;
    }

    private static byte[] concatenatedPieces(Vocabulary vocabulary, int[] tokens) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int token : tokens) {
            out.writeBytes(vocabulary.tokenPieceBytes(token, true));
        }
        return out.toByteArray();
    }

    /** Escapes ECMAScript regex metacharacters (llama.cpp uses std::regex). */
    static String regexEscape(String literal) {
        StringBuilder out = new StringBuilder(literal.length() + 8);
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if ("\\^$.|?*+()[]{}-/".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
