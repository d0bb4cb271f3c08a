package io.github.panamallama.benchmarks;

import io.github.panamallama.LlamaModel;
import io.github.panamallama.Vocabulary;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** {@code Vocabulary.detokenize} of the token arrays {@link TokenizeBenchmark} makes, back to text. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DetokenizeBenchmark {
    @Param({"1024", "65536", "1048576"})
    int bytes;

    @Param({"2000", "32000"})
    int vocabularySize;

    private LlamaModel model;
    private Vocabulary vocabulary;
    private int[] tokens;

    @Setup
    public void setUp() {
        model = LlamaModel.load(BenchmarkModels.withVocabulary(vocabularySize));
        vocabulary = model.vocabulary();
        tokens = vocabulary.tokenize(BenchmarkText.ofUtf8Bytes(bytes));
    }

    @TearDown
    public void tearDown() {
        model.close();
    }

    @Benchmark
    public String detokenize() {
        return vocabulary.detokenize(tokens);
    }
}
