package io.github.panamallama.benchmarks;

import static io.github.panamallama.internal.llama.llama_h.llama_tokenize;

import io.github.panamallama.LlamaModel;
import io.github.panamallama.Vocabulary;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code Vocabulary.tokenize} of 1 KiB, 64 KiB and 1 MiB of text, at vocabulary 2000 and 32000;
 * and {@code llama_tokenize} alone as a raw FFM downcall on text already in native memory, the
 * floor: the difference is the API's own cost (UTF-8 encoding, copies, the result array).
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TokenizeBenchmark extends PerCallBenchmark {
    @Param({"1024", "65536", "1048576"})
    int bytes;

    @Param({"2000", "32000"})
    int vocabularySize;

    private LlamaModel model;
    private Vocabulary vocabulary;
    private String text;
    private Arena arena;
    private MemorySegment vocabularyHandle;
    private MemorySegment nativeText;
    private MemorySegment nativeTokens;

    @Setup
    public void setUp() {
        model = LlamaModel.load(BenchmarkModels.withVocabulary(vocabularySize));
        vocabulary = model.vocabulary();
        text = BenchmarkText.ofUtf8Bytes(bytes);
        arena = Arena.ofShared();
        vocabularyHandle = NativeHandles.vocabulary(vocabulary);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        nativeText = arena.allocate(utf8.length);
        MemorySegment.copy(MemorySegment.ofArray(utf8), 0, nativeText, 0, utf8.length);
        nativeTokens = arena.allocate(ValueLayout.JAVA_INT, utf8.length + 16L);
    }

    @TearDown
    public void tearDown() {
        model.close();
        arena.close();
    }

    @Benchmark
    public int[] tokenize() {
        return vocabulary.tokenize(text);
    }

    @Benchmark
    public int downcall() {
        return llama_tokenize(vocabularyHandle, nativeText, (int) nativeText.byteSize(), nativeTokens,
                (int) (nativeTokens.byteSize() / Integer.BYTES), true, false);
    }
}
