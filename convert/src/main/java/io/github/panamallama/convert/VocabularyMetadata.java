package io.github.panamallama.convert;

import io.github.panamallama.convert.sentencepiece.SentencePieceModel;
import io.github.panamallama.gguf.GgufValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/** A SentencePiece vocabulary as llama.cpp's {@code tokenizer.ggml.*} keys. */
final class VocabularyMetadata {
    /** Padding entries llama.cpp's converter adds when the model has more rows than pieces. */
    static final float PAD_SCORE = -10000f;

    private VocabularyMetadata() {
    }

    /** llama.cpp's {@code llama_token_type}: NORMAL = 1 ... BYTE = 6. */
    static int tokenType(SentencePieceModel.PieceType type) {
        return switch (type) {
            case NORMAL -> 1;
            case UNKNOWN -> 2;
            case CONTROL -> 3;
            case USER_DEFINED -> 4;
            case UNUSED -> 5;
            case BYTE -> 6;
        };
    }

    /**
     * Adds the tokenizer keys for a vocabulary of {@code vocabSize} tokens.
     *
     * @throws IllegalArgumentException if the tokenizer has more pieces than the model has rows
     */
    static void add(SentencePieceModel model, int vocabSize, BiConsumer<String, GgufValue> sink) {
        List<SentencePieceModel.Piece> pieces = model.pieces();
        if (pieces.size() > vocabSize) {
            throw new IllegalArgumentException("tokenizer has " + pieces.size() + " pieces but the model only "
                    + vocabSize + " embedding rows");
        }
        if (model.modelType() != SentencePieceModel.ModelType.BPE && model.modelType() != SentencePieceModel.ModelType.UNIGRAM) {
            throw new IllegalArgumentException("llama.cpp's SentencePiece tokenizer needs a BPE or unigram model, not "
                    + model.modelType());
        }
        List<String> tokens = new ArrayList<>(vocabSize);
        float[] scores = new float[vocabSize];
        int[] types = new int[vocabSize];
        for (int id = 0; id < vocabSize; id++) {
            if (id < pieces.size()) {
                SentencePieceModel.Piece piece = pieces.get(id);
                tokens.add(piece.text());
                scores[id] = piece.score();
                types[id] = tokenType(piece.type());
            } else {
                tokens.add("[PAD" + id + "]");
                scores[id] = PAD_SCORE;
                types[id] = tokenType(SentencePieceModel.PieceType.UNUSED);
            }
        }
        sink.accept("tokenizer.ggml.model", GgufValue.string("llama"));
        sink.accept("tokenizer.ggml.pre", GgufValue.string("default"));
        sink.accept("tokenizer.ggml.tokens", GgufValue.strings(tokens));
        sink.accept("tokenizer.ggml.scores", GgufValue.float32s(scores));
        sink.accept("tokenizer.ggml.token_type", GgufValue.int32s(types));
        for (Map.Entry<String, Integer> special : Map.of(
                "tokenizer.ggml.bos_token_id", model.bosId(),
                "tokenizer.ggml.eos_token_id", model.eosId(),
                "tokenizer.ggml.unknown_token_id", model.unkId(),
                "tokenizer.ggml.padding_token_id", model.padId()).entrySet().stream()
                .sorted(Map.Entry.comparingByKey()).toList()) {
            if (special.getValue() >= 0) {
                sink.accept(special.getKey(), GgufValue.uint32(special.getValue()));
            }
        }
        sink.accept("tokenizer.ggml.add_bos_token", GgufValue.bool(true));
        sink.accept("tokenizer.ggml.add_eos_token", GgufValue.bool(false));
        sink.accept("tokenizer.ggml.add_space_prefix", GgufValue.bool(model.addDummyPrefix()));
    }
}
