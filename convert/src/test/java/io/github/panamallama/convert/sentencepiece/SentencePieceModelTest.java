package io.github.panamallama.convert.sentencepiece;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.convert.sentencepiece.SentencePieceModel.ModelType;
import io.github.panamallama.convert.sentencepiece.SentencePieceModel.Piece;
import io.github.panamallama.convert.sentencepiece.SentencePieceModel.PieceType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads models trained by the real {@code spm_train} and checks them against {@code spm_export_vocab}. */
class SentencePieceModelTest {
    private static final int VOCABULARY = 400;

    @TempDir
    static Path directory;

    private static Path bpeModel;

    @BeforeAll
    static void train() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        String[] words = ("the a cat dog river mountain é café über naïve 日本 東京 🙂 house quickly"
                + " 42 3.14 runs jumps, over; under! why? yes.").split(" ");
        StringBuilder corpus = new StringBuilder();
        for (int line = 0; line < 2000; line++) {
            int count = 3 + random.nextInt(12);
            for (int i = 0; i < count; i++) {
                corpus.append(i == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
            }
            corpus.append('\n');
        }
        Files.writeString(directory.resolve("corpus.txt"), corpus);
        run("spm_train", "--input=corpus.txt", "--model_prefix=bpe", "--vocab_size=" + VOCABULARY,
                "--model_type=bpe", "--byte_fallback=true", "--character_coverage=1.0",
                "--num_threads=1", "--pad_id=3", "--unk_id=0", "--bos_id=1", "--eos_id=2");
        bpeModel = directory.resolve("bpe.model");
    }

    @Test
    void readsTheTrainedBpeModel() throws IOException {
        SentencePieceModel model = SentencePieceModel.read(bpeModel);
        assertEquals(ModelType.BPE, model.modelType());
        assertTrue(model.byteFallback());
        assertTrue(model.addDummyPrefix());
        assertEquals(0, model.unkId());
        assertEquals(1, model.bosId());
        assertEquals(2, model.eosId());
        assertEquals(3, model.padId());
        assertEquals(VOCABULARY, model.pieces().size());
        assertEquals(new Piece("<unk>", 0f, PieceType.UNKNOWN), model.pieces().get(0));
        assertEquals(new Piece("<s>", 0f, PieceType.CONTROL), model.pieces().get(1));
        assertEquals(new Piece("</s>", 0f, PieceType.CONTROL), model.pieces().get(2));
        assertEquals(new Piece("<pad>", 0f, PieceType.CONTROL), model.pieces().get(3));
        for (int b = 0; b < 256; b++) {
            assertEquals(new Piece(String.format("<0x%02X>", b), 0f, PieceType.BYTE), model.pieces().get(4 + b));
        }
        assertTrue(model.pieces().stream().anyMatch(piece -> piece.text().equals("▁café")),
                "learned a piece for a frequent accented word");
    }

    @Test
    void piecesAndScoresMatchSpmExportVocab() throws Exception {
        SentencePieceModel model = SentencePieceModel.read(bpeModel);
        List<String> exported = run("spm_export_vocab", "--model=bpe.model");
        assertEquals(VOCABULARY, exported.size());
        for (int id = 0; id < exported.size(); id++) {
            String[] columns = exported.get(id).split("\t");
            Piece piece = model.pieces().get(id);
            assertEquals(columns[0], piece.text(), "piece " + id);
            assertEquals(Float.parseFloat(columns[1]), piece.score(), "score of piece " + id);
        }
    }

    @Test
    void readsAUnigramModelWithDisabledIdsAndNoDummyPrefix() throws Exception {
        run("spm_train", "--input=corpus.txt", "--model_prefix=unigram", "--vocab_size=60",
                "--model_type=unigram", "--num_threads=1", "--bos_id=-1", "--eos_id=-1",
                "--add_dummy_prefix=false", "--character_coverage=1.0");
        SentencePieceModel model = SentencePieceModel.read(directory.resolve("unigram.model"));
        assertEquals(ModelType.UNIGRAM, model.modelType());
        assertFalse(model.byteFallback());
        assertFalse(model.addDummyPrefix());
        assertEquals(0, model.unkId());
        assertEquals(-1, model.bosId());
        assertEquals(-1, model.eosId());
        assertEquals(-1, model.padId());
        assertEquals(60, model.pieces().size());
    }

    @Test
    void absentFieldsTakeTheProtoDefaults() throws IOException {
        // Three pieces with only their text: type NORMAL, score 0; no trainer or normalizer spec.
        byte[] bytes = concat(piece("a"), piece("b"), piece("c"));
        SentencePieceModel model = SentencePieceModel.parse(bytes);
        assertEquals(List.of(new Piece("a", 0f, PieceType.NORMAL), new Piece("b", 0f, PieceType.NORMAL),
                new Piece("c", 0f, PieceType.NORMAL)), model.pieces());
        assertEquals(ModelType.UNIGRAM, model.modelType());
        assertEquals(0, model.unkId());
        assertEquals(1, model.bosId());
        assertEquals(2, model.eosId());
        assertEquals(-1, model.padId());
        assertTrue(model.addDummyPrefix());
        assertFalse(model.byteFallback());
    }

    @Test
    void truncatedFileFailsWithItsOffset() throws IOException {
        byte[] whole = Files.readAllBytes(bpeModel);
        Path truncated = directory.resolve("truncated.model");
        Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));
        IOException e = assertThrows(IOException.class, () -> SentencePieceModel.read(truncated));
        assertTrue(e.getMessage().contains("truncated.model"), e.getMessage());
        assertTrue(e.getMessage().contains("offset"), e.getMessage());
    }

    @Test
    void lengthBeyondTheEndIsRejected() {
        // Field 1, length-delimited, claims 2^31 bytes.
        byte[] bytes = {0x0a, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 0x01};
        IOException e = assertThrows(IOException.class, () -> SentencePieceModel.parse(bytes));
        assertTrue(e.getMessage().contains("runs past the end"), e.getMessage());
    }

    @Test
    void specialIdOutsideTheVocabularyIsRejected() {
        // trainer_spec { bos_id: 9 } with three pieces.
        byte[] trainer = {0x12, 0x03, (byte) 0xc8, 0x02, 0x09};
        IOException e = assertThrows(IOException.class,
                () -> SentencePieceModel.parse(concat(piece("a"), piece("b"), piece("c"), trainer)));
        assertEquals("bos_id 9 is outside the vocabulary of 3 pieces", e.getMessage());
    }

    @Test
    void invalidUtf8AndUnknownPieceTypeAreRejected() {
        byte[] badText = {0x0a, 0x03, 0x0a, 0x01, (byte) 0xff};
        assertTrue(assertThrows(IOException.class, () -> SentencePieceModel.parse(badText))
                .getMessage().contains("not valid UTF-8"));
        byte[] badType = {0x0a, 0x05, 0x0a, 0x01, 'a', 0x18, 0x09};
        assertEquals("unknown piece type 9 at offset 6",
                assertThrows(IOException.class, () -> SentencePieceModel.parse(badType)).getMessage());
    }

    @Test
    void emptyFileIsNotAModel() throws IOException {
        Path empty = Files.write(directory.resolve("empty.model"), new byte[0]);
        IOException e = assertThrows(IOException.class, () -> SentencePieceModel.read(empty));
        assertTrue(e.getMessage().endsWith("no pieces: not a SentencePiece model"), e.getMessage());
    }

    @Test
    void piecesListIsImmutable() throws IOException {
        SentencePieceModel model = SentencePieceModel.read(bpeModel);
        assertThrows(UnsupportedOperationException.class, () -> model.pieces().clear());
        assertArrayEquals(new int[] {0, 1, 2}, new int[] {model.unkId(), model.bosId(), model.eosId()});
    }

    private static byte[] piece(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] inner = concat(new byte[] {0x0a, (byte) utf8.length}, utf8);
        return concat(new byte[] {0x0a, (byte) inner.length}, inner);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static List<String> run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(directory.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines = new ArrayList<>(process.inputReader(StandardCharsets.UTF_8).lines().toList());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " timed out");
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed");
        return lines;
    }
}
