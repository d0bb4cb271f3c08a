package io.github.panamallama.internal.validation;

import static io.github.panamallama.internal.llama.llama_h.*;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * What only the loaded vocabulary can tell: whether tokenizing with special tokens (as
 * generation does) would reach an assert. llama.cpp resolves the BOS, EOS and SEP ids from
 * per-type defaults, the file's keys and the vocabulary size; a default outside the vocabulary
 * becomes "none", and the tokenizer then asserts the token exists when it must add it.
 *
 * <p>Covered (src/llama-vocab.cpp, llama.cpp v0.5.0): SPM 3438 (BOS) and 3475 (EOS); BPE 588
 * and 597; WPM 3522 (BOS, always added) and 3542 (SEP); UGM 3549 and 3574.
 */
public final class LoadedVocabularyCheck {
    static final int TOKEN_NULL = -1; // LLAMA_TOKEN_NULL

    private LoadedVocabularyCheck() {}

    /** The reason the vocabulary cannot tokenize with special tokens, if it cannot. */
    public static Optional<String> problem(MemorySegment vocab) {
        int type = llama_vocab_type(vocab);
        boolean bosMissing = llama_vocab_bos(vocab) == TOKEN_NULL;
        boolean eosMissing = llama_vocab_eos(vocab) == TOKEN_NULL;
        if (type == LLAMA_VOCAB_TYPE_WPM()) {
            if (bosMissing) {
                return Optional.of(missing("BOS (CLS) token", "always adds one", "src/llama-vocab.cpp:3522"));
            }
            if (llama_vocab_sep(vocab) == TOKEN_NULL) {
                return Optional.of(missing("SEP token", "always adds one", "src/llama-vocab.cpp:3542"));
            }
        } else if (type == LLAMA_VOCAB_TYPE_SPM() || type == LLAMA_VOCAB_TYPE_BPE()
                || type == LLAMA_VOCAB_TYPE_UGM()) {
            if (llama_vocab_get_add_bos(vocab) && bosMissing) {
                return Optional.of(missing("BOS token", "adds one (tokenizer.ggml.add_bos_token or the tokenizer's default)",
                        "src/llama-vocab.cpp:3438/588/3549"));
            }
            if (llama_vocab_get_add_eos(vocab) && eosMissing) {
                return Optional.of(missing("EOS token", "adds one (tokenizer.ggml.add_eos_token)",
                        "src/llama-vocab.cpp:3475/597/3574"));
            }
        }
        return Optional.empty();
    }

    private static String missing(String token, String adds, String source) {
        return "the vocabulary has no " + token + " (its id is unset or outside the vocabulary) but " + adds
                + " when tokenizing with special tokens, as generation does: llama.cpp v0.5.0 would abort the"
                + " process (" + source + ")";
    }
}
