package io.github.panamallama.convert.sentencepiece;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a converter needs from a SentencePiece {@code tokenizer.model}: the vocabulary with
 * scores and piece types, the special ids, and the few trainer/normalizer settings that change
 * how text is tokenized. The file is a protobuf {@code sentencepiece.ModelProto}; fields this
 * record does not carry are skipped, absent fields take the defaults of
 * {@code sentencepiece_model.proto}.
 *
 * @param pieces the vocabulary, indexed by token id
 * @param unkId id of the unknown piece, or -1 when disabled
 * @param bosId id of the beginning-of-sequence piece, or -1 when disabled
 * @param eosId id of the end-of-sequence piece, or -1 when disabled
 * @param padId id of the padding piece, or -1 when disabled (the default)
 * @param byteFallback whether unknown characters become {@code <0xNN>} byte pieces
 * @param addDummyPrefix whether a space is prepended to the input before tokenizing
 * @param modelType the segmentation algorithm the model was trained with
 */
public record SentencePieceModel(List<Piece> pieces, int unkId, int bosId, int eosId, int padId,
        boolean byteFallback, boolean addDummyPrefix, ModelType modelType) {

    /** A file larger than this is not a tokenizer model (Mistral's is about 500 KB). */
    static final long MAX_FILE_BYTES = 256L << 20;

    public SentencePieceModel {
        pieces = List.copyOf(pieces);
        Objects.requireNonNull(modelType, "modelType");
    }

    /** One vocabulary entry. */
    public record Piece(String text, float score, PieceType type) {
        public Piece {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(type, "type");
        }
    }

    /** {@code SentencePiece.Type}, in the proto's numbering (NORMAL = 1 ... BYTE = 6). */
    public enum PieceType {
        NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE;

        static PieceType ofWireValue(int value, long offset) throws IOException {
            if (value < 1 || value > values().length) {
                throw new IOException("unknown piece type " + value + " at offset " + offset);
            }
            return values()[value - 1];
        }
    }

    /** {@code TrainerSpec.ModelType}, in the proto's numbering (UNIGRAM = 1 ... CHAR = 4). */
    public enum ModelType {
        UNIGRAM, BPE, WORD, CHAR;

        static ModelType ofWireValue(int value, long offset) throws IOException {
            if (value < 1 || value > values().length) {
                throw new IOException("unknown model type " + value + " at offset " + offset);
            }
            return values()[value - 1];
        }
    }

    /**
     * Reads a {@code tokenizer.model} file.
     *
     * @throws IOException if the file cannot be read or is not a well-formed model; the message
     *     names the file, the field and the byte offset
     */
    public static SentencePieceModel read(Path tokenizerModel) throws IOException {
        long size = Files.size(tokenizerModel);
        if (size > MAX_FILE_BYTES) {
            throw new IOException(tokenizerModel + ": " + size + " bytes is too large for a"
                    + " SentencePiece model (limit " + MAX_FILE_BYTES + ")");
        }
        try {
            return parse(Files.readAllBytes(tokenizerModel));
        } catch (IOException e) {
            throw new IOException(tokenizerModel + ": " + e.getMessage(), e);
        }
    }

    /** Parses the bytes of a serialized {@code ModelProto}. */
    static SentencePieceModel parse(byte[] bytes) throws IOException {
        ProtoReader model = ProtoReader.of(bytes);
        List<Piece> pieces = new ArrayList<>();
        Trainer trainer = new Trainer();
        boolean addDummyPrefix = true;
        while (model.hasMore()) {
            int tag = model.readTag();
            switch (ProtoReader.fieldNumber(tag)) {
                case 1 -> {
                    model.expect(tag, ProtoReader.LENGTH_DELIMITED, "pieces");
                    pieces.add(readPiece(model.readMessage()));
                }
                case 2 -> {
                    model.expect(tag, ProtoReader.LENGTH_DELIMITED, "trainer_spec");
                    trainer.merge(model.readMessage());
                }
                case 3 -> {
                    model.expect(tag, ProtoReader.LENGTH_DELIMITED, "normalizer_spec");
                    addDummyPrefix = readAddDummyPrefix(model.readMessage(), addDummyPrefix);
                }
                default -> model.skip(tag);
            }
        }
        if (pieces.isEmpty()) {
            throw new IOException("no pieces: not a SentencePiece model");
        }
        checkId("unk_id", trainer.unkId, pieces.size());
        checkId("bos_id", trainer.bosId, pieces.size());
        checkId("eos_id", trainer.eosId, pieces.size());
        checkId("pad_id", trainer.padId, pieces.size());
        return new SentencePieceModel(pieces, trainer.unkId, trainer.bosId, trainer.eosId,
                trainer.padId, trainer.byteFallback, addDummyPrefix, trainer.modelType);
    }

    private static Piece readPiece(ProtoReader message) throws IOException {
        long start = message.offset();
        String text = null;
        float score = 0f;
        PieceType type = PieceType.NORMAL;
        while (message.hasMore()) {
            int tag = message.readTag();
            switch (ProtoReader.fieldNumber(tag)) {
                case 1 -> {
                    message.expect(tag, ProtoReader.LENGTH_DELIMITED, "piece");
                    text = message.readString();
                }
                case 2 -> {
                    message.expect(tag, ProtoReader.FIXED32, "score");
                    score = message.readFloat();
                }
                case 3 -> {
                    message.expect(tag, ProtoReader.VARINT, "type");
                    long offset = message.offset();
                    type = PieceType.ofWireValue(message.readInt32(), offset);
                }
                default -> message.skip(tag);
            }
        }
        if (text == null) {
            throw new IOException("piece at offset " + start + " has no text");
        }
        return new Piece(text, score, type);
    }

    private static boolean readAddDummyPrefix(ProtoReader message, boolean current) throws IOException {
        boolean value = current;
        while (message.hasMore()) {
            int tag = message.readTag();
            if (ProtoReader.fieldNumber(tag) == 3) {
                message.expect(tag, ProtoReader.VARINT, "add_dummy_prefix");
                value = message.readBool();
            } else {
                message.skip(tag);
            }
        }
        return value;
    }

    private static void checkId(String field, int id, int vocabularySize) throws IOException {
        if (id < -1 || id >= vocabularySize) {
            throw new IOException(field + " " + id + " is outside the vocabulary of " + vocabularySize
                    + " pieces");
        }
    }

    /** The TrainerSpec fields kept, with the proto's defaults. */
    private static final class Trainer {
        ModelType modelType = ModelType.UNIGRAM;
        boolean byteFallback = false;
        int unkId = 0;
        int bosId = 1;
        int eosId = 2;
        int padId = -1;

        void merge(ProtoReader message) throws IOException {
            while (message.hasMore()) {
                int tag = message.readTag();
                int field = ProtoReader.fieldNumber(tag);
                switch (field) {
                    case 3 -> {
                        message.expect(tag, ProtoReader.VARINT, "model_type");
                        long offset = message.offset();
                        modelType = ModelType.ofWireValue(message.readInt32(), offset);
                    }
                    case 35 -> {
                        message.expect(tag, ProtoReader.VARINT, "byte_fallback");
                        byteFallback = message.readBool();
                    }
                    case 40, 41, 42, 43 -> {
                        message.expect(tag, ProtoReader.VARINT, "special id " + field);
                        int id = message.readInt32();
                        switch (field) {
                            case 40 -> unkId = id;
                            case 41 -> bosId = id;
                            case 42 -> eosId = id;
                            default -> padId = id;
                        }
                    }
                    default -> message.skip(tag);
                }
            }
        }
    }
}
