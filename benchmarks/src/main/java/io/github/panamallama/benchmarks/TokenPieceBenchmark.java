package io.github.panamallama.benchmarks;

import io.github.panamallama.LlamaModel;
import io.github.panamallama.Vocabulary;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One token's text at a time, as a generation loop turns each new token into output: one
 * operation is one token, taken in turn from the tokens of 64 KiB of text.
 */
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TokenPieceBenchmark extends PerCallBenchmark {
    @Param({"2000", "32000"})
    int vocabularySize;

    private LlamaModel model;
    private Vocabulary vocabulary;
    private int[] tokens;
    private int next;

    @Setup
    public void setUp() {
        model = LlamaModel.load(BenchmarkModels.withVocabulary(vocabularySize));
        vocabulary = model.vocabulary();
        tokens = vocabulary.tokenize(BenchmarkText.ofUtf8Bytes(64 * 1024), false, false);
    }

    @TearDown
    public void tearDown() {
        model.close();
    }

    private int nextToken() {
        int token = tokens[next];
        next = next + 1 == tokens.length ? 0 : next + 1;
        return token;
    }

    /** The piece's bytes (what a streaming loop needs: a piece can be part of a UTF-8 character). */
    @Benchmark
    public byte[] pieceBytes() {
        return vocabulary.tokenPieceBytes(nextToken(), false);
    }

    /** The piece as a String (special tokens rendered). */
    @Benchmark
    public String pieceString() {
        return vocabulary.tokenPiece(nextToken());
    }
}
