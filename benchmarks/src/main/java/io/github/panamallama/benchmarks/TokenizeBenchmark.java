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

/** {@code Vocabulary.tokenize} of 1 KiB, 64 KiB and 1 MiB of text, at vocabulary 2000 and 32000. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TokenizeBenchmark {
    @Param({"1024", "65536", "1048576"})
    int bytes;

    @Param({"2000", "32000"})
    int vocabularySize;

    private LlamaModel model;
    private Vocabulary vocabulary;
    private String text;

    @Setup
    public void setUp() {
        model = LlamaModel.load(BenchmarkModels.withVocabulary(vocabularySize));
        vocabulary = model.vocabulary();
        text = BenchmarkText.ofUtf8Bytes(bytes);
    }

    @TearDown
    public void tearDown() {
        model.close();
    }

    @Benchmark
    public int[] tokenize() {
        return vocabulary.tokenize(text);
    }
}
