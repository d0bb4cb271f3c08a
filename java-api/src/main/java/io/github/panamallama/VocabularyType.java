package io.github.panamallama;

/** The tokenizer algorithm of a vocabulary (llama.cpp's {@code llama_vocab_type}). */
public enum VocabularyType {
    /** The model has no vocabulary. */
    NONE,
    /** SentencePiece BPE with byte fallback (LLaMA, Mistral). */
    SPM,
    /** GPT-2 style byte-level BPE. */
    BPE,
    /** BERT WordPiece. */
    WPM,
    /** T5 Unigram. */
    UGM,
    RWKV,
    PLAMO2,
    TEST,
    /** A type this binding does not know. */
    UNKNOWN;

    static VocabularyType of(int nativeValue) {
        VocabularyType[] known = values();
        return nativeValue >= 0 && nativeValue < known.length - 1 ? known[nativeValue] : UNKNOWN;
    }
}
