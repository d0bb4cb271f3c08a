package io.github.panamallama.benchmarks;

import static io.github.panamallama.internal.llama.llama_h.llama_detokenize;

import io.github.panamallama.LlamaModel;
import io.github.panamallama.Vocabulary;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code Vocabulary.detokenize} of the token arrays {@link TokenizeBenchmark} makes, back to text;
 * and {@code llama_detokenize} alone as a raw FFM downcall on tokens already in native memory,
 * the floor: the difference is the API's own cost (checks, copies, decoding UTF-8 into a String).
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DetokenizeBenchmark extends PerCallBenchmark {
    @Param({"1024", "65536", "1048576"})
    int bytes;

    @Param({"2000", "32000"})
    int vocabularySize;

    private LlamaModel model;
    private Vocabulary vocabulary;
    private int[] tokens;
    private Arena arena;
    private MemorySegment vocabularyHandle;
    private MemorySegment nativeTokens;
    private MemorySegment nativeText;

    @Setup
    public void setUp() {
        model = LlamaModel.load(BenchmarkModels.withVocabulary(vocabularySize));
        vocabulary = model.vocabulary();
        tokens = vocabulary.tokenize(BenchmarkText.ofUtf8Bytes(bytes));
        arena = Arena.ofShared();
        vocabularyHandle = NativeHandles.vocabulary(vocabulary);
        nativeTokens = arena.allocateFrom(ValueLayout.JAVA_INT, tokens);
        nativeText = arena.allocate(bytes + 1024L);
    }

    @TearDown
    public void tearDown() {
        model.close();
        arena.close();
    }

    @Benchmark
    public String detokenize() {
        return vocabulary.detokenize(tokens);
    }

    @Benchmark
    public int downcall() {
        int length = llama_detokenize(vocabularyHandle, nativeTokens, tokens.length, nativeText, (int) nativeText.byteSize(),
                false, false);
        if (length < 0) {
            throw new IllegalStateException("the text buffer is " + (-length - nativeText.byteSize()) + " bytes short");
        }
        return length;
    }
}
