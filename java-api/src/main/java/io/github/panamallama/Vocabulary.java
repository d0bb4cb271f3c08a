package io.github.panamallama;

import static io.github.panamallama.internal.llama.llama_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The vocabulary of a {@link LlamaModel}: text to token ids and back, and the special tokens.
 * Owned by its model (closing the model closes it); thread-safe like the model.
 *
 * <p>Token ids outside {@code [0, size())} are refused with {@link IllegalArgumentException}
 * before they reach llama.cpp, which does not check them.
 */
public final class Vocabulary {
    private final LlamaModel model;
    private final MemorySegment vocab;
    private final int size;
    private final VocabularyType type;

    Vocabulary(LlamaModel model, MemorySegment vocab) {
        this.model = model;
        this.vocab = vocab;
        this.size = llama_vocab_n_tokens(vocab);
        this.type = VocabularyType.of(llama_vocab_type(vocab));
    }

    /** Number of tokens. */
    public int size() {
        model.lifetime().checkOpen();
        return size;
    }

    /** {@link #size()} for a child that holds the model (it may be closed). */
    int heldSize() {
        return size;
    }

    public VocabularyType type() {
        model.lifetime().checkOpen();
        return type;
    }

    /** Beginning-of-sequence token. */
    public OptionalInt bos() {
        return special(query(v -> llama_vocab_bos(v)));
    }

    /** End-of-sequence token. */
    public OptionalInt eos() {
        return special(query(v -> llama_vocab_eos(v)));
    }

    /** End-of-turn token (chat models). */
    public OptionalInt eot() {
        return special(query(v -> llama_vocab_eot(v)));
    }

    /** Newline token. */
    public OptionalInt newline() {
        return special(query(v -> llama_vocab_nl(v)));
    }

    public OptionalInt pad() {
        return special(query(v -> llama_vocab_pad(v)));
    }

    public OptionalInt separator() {
        return special(query(v -> llama_vocab_sep(v)));
    }

    /** Whether {@code tokenize(text, true, ...)} puts BOS in front. */
    public boolean addsBos() {
        return query(v -> llama_vocab_get_add_bos(v) ? 1 : 0) == 1;
    }

    /** Whether {@code tokenize(text, true, ...)} puts EOS at the end. */
    public boolean addsEos() {
        return query(v -> llama_vocab_get_add_eos(v) ? 1 : 0) == 1;
    }

    /** Tokenizes with special tokens added as the model wants and no special-token parsing. */
    public int[] tokenize(String text) {
        return tokenize(text, true, false);
    }

    /**
     * Converts text to token ids.
     *
     * @param addSpecial add BOS/EOS if the model is configured to
     * @param parseSpecial recognise special tokens written as text (e.g. {@code </s>});
     *     otherwise they are tokenized as plain text
     */
    public int[] tokenize(String text, boolean addSpecial, boolean parseSpecial) {
        Objects.requireNonNull(text, "text");
        model.lifetime().acquire();
        try {
            requireTokenizer();
            return tokenizeUtf8(text.getBytes(StandardCharsets.UTF_8), addSpecial, parseSpecial);
        } finally {
            model.lifetime().release();
        }
    }

    /** The caller holds the model. */
    int[] tokenizeUtf8(byte[] utf8, boolean addSpecial, boolean parseSpecial) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment text = call.allocate(Math.max(1, utf8.length));
            MemorySegment.copy(MemorySegment.ofArray(utf8), 0, text, 0, utf8.length);
            // A first guess: typical text averages several bytes per token. When it is short,
            // llama_tokenize says how many are needed and the call is repeated once.
            int capacity = utf8.length / 2 + 16;
            MemorySegment tokens = call.allocate(ValueLayout.JAVA_INT, capacity);
            int count = llama_tokenize(vocab, text, utf8.length, tokens, capacity, addSpecial, parseSpecial);
            if (count == Integer.MIN_VALUE) {
                throw new IllegalArgumentException("text of " + utf8.length + " bytes gives more tokens than fit an int");
            }
            if (count < 0) {
                capacity = -count;
                tokens = call.allocate(ValueLayout.JAVA_INT, capacity);
                count = llama_tokenize(vocab, text, utf8.length, tokens, capacity, addSpecial, parseSpecial);
                if (count < 0) {
                    throw new IllegalStateException("llama_tokenize asked for " + capacity
                            + " tokens, then for " + (-count));
                }
            }
            return tokens.asSlice(0, (long) count * Integer.BYTES).toArray(ValueLayout.JAVA_INT);
        }
    }

    /**
     * Converts token ids back to text.
     *
     * @param removeSpecial drop a leading BOS / trailing EOS the model adds
     * @param unparseSpecial write special tokens as their text (e.g. {@code <s>})
     */
    public String detokenize(int[] tokens, boolean removeSpecial, boolean unparseSpecial) {
        Objects.requireNonNull(tokens, "tokens");
        model.lifetime().acquire();
        try {
            requireTokenizer();
            for (int i = 0; i < tokens.length; i++) {
                if (tokens[i] < 0 || tokens[i] >= size) {
                    // The message names the index: built only on failure, not once per token.
                    checkToken(tokens[i], "tokens[" + i + "]");
                }
            }
            try (Arena call = Arena.ofConfined()) {
                MemorySegment ids = call.allocate(ValueLayout.JAVA_INT, Math.max(1, tokens.length));
                MemorySegment.copy(tokens, 0, ids, ValueLayout.JAVA_INT, 0, tokens.length);
                int capacity = (int) Math.min(Integer.MAX_VALUE - 8, tokens.length * 4L + 16);
                MemorySegment text = call.allocate(capacity);
                int length = llama_detokenize(vocab, ids, tokens.length, text, capacity, removeSpecial, unparseSpecial);
                if (length < 0) {
                    capacity = -length;
                    text = call.allocate(capacity);
                    length = llama_detokenize(vocab, ids, tokens.length, text, capacity, removeSpecial, unparseSpecial);
                    if (length < 0) {
                        throw new IllegalStateException("llama_detokenize asked for " + capacity
                                + " bytes, then for " + (-length));
                    }
                }
                return new String(text.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            }
        } finally {
            model.lifetime().release();
        }
    }

    /** Shorthand for {@code detokenize(tokens, false, false)}. */
    public String detokenize(int[] tokens) {
        return detokenize(tokens, false, false);
    }

    /**
     * The bytes one token contributes to generated text. Not always valid UTF-8 on its own:
     * byte-fallback tokens carry a single byte of a multi-byte character.
     *
     * @param special render control tokens (e.g. {@code </s>}); otherwise they give no bytes
     */
    public byte[] tokenPieceBytes(int token, boolean special) {
        model.lifetime().acquire();
        try {
            requireTokenizer();
            checkToken(token, "token");
            return pieceBytes(token, special);
        } finally {
            model.lifetime().release();
        }
    }

    /** A token's piece of any length; the caller holds the model and checked the id. */
    byte[] pieceBytes(int token, boolean special) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment buffer = call.allocate(64);
            int length = pieceInto(token, buffer, special);
            if (length < 0) {
                buffer = call.allocate(-length);
                length = pieceInto(token, buffer, special);
            }
            return buffer.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** The text of one token, as it appears in output (special tokens rendered). */
    public String tokenPiece(int token) {
        return new String(tokenPieceBytes(token, true), StandardCharsets.UTF_8);
    }

    /**
     * Writes a token's piece into {@code buffer}; returns its length or, if the buffer is too
     * small, minus the length needed. The caller holds the model and checked the id.
     */
    int pieceInto(int token, MemorySegment buffer, boolean special) {
        return llama_token_to_piece(vocab, token, buffer, (int) Math.min(Integer.MAX_VALUE, buffer.byteSize()), 0, special);
    }

    /** The vocabulary entry's raw text (e.g. {@code ▁Hello}, {@code <0x0A>}). */
    public String tokenText(int token) {
        checkToken(token, "token");
        return model.read(m -> io.github.panamallama.internal.text.NativeText.cString(llama_vocab_get_text(vocab, token)));
    }

    /** The tokenizer score of a token. */
    public float score(int token) {
        checkToken(token, "token");
        return model.read(m -> llama_vocab_get_score(vocab, token));
    }

    public Set<TokenAttribute> attributes(int token) {
        checkToken(token, "token");
        return TokenAttribute.fromBits(query(v -> llama_vocab_get_attr(v, token)));
    }

    /** Whether generation should stop at this token (EOS, EOT and the like). */
    public boolean isEndOfGeneration(int token) {
        checkToken(token, "token");
        return query(v -> endsGeneration(token) ? 1 : 0) == 1;
    }

    public boolean isControl(int token) {
        checkToken(token, "token");
        return query(v -> llama_vocab_is_control(v, token) ? 1 : 0) == 1;
    }

    /** {@link #isEndOfGeneration} for generation, per token: the caller holds the model and checked the id. */
    boolean endsGeneration(int token) {
        return llama_vocab_is_eog(vocab, token);
    }

    void checkToken(int token, String what) {
        requireTokenizer();
        if (token < 0 || token >= size) {
            throw new IllegalArgumentException(what + " = " + token + " is not a token id of this vocabulary (0.."
                    + (size - 1) + ")");
        }
    }

    private void requireTokenizer() {
        model.lifetime().checkOpen();
        if (type == VocabularyType.NONE) {
            throw new IllegalStateException("model " + model.path().getFileName() + " has no vocabulary");
        }
    }

    /** Runs an int-valued query while holding the model, so a concurrent close waits. */
    private int query(java.util.function.ToIntFunction<MemorySegment> query) {
        model.lifetime().acquire();
        try {
            return query.applyAsInt(vocab);
        } finally {
            model.lifetime().release();
        }
    }

    MemorySegment handle() {
        return vocab;
    }

    private static OptionalInt special(int token) {
        return token < 0 ? OptionalInt.empty() : OptionalInt.of(token);
    }
}
