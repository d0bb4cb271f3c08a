package io.github.panamallama.tests;
import static io.github.panamallama.internal.llama.llama_h.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.Completion;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.LlamaRuntime;
import io.github.panamallama.QuantizationException;
import io.github.panamallama.QuantizationOptions;
import io.github.panamallama.QuantizationResult;
import io.github.panamallama.QuantizationType;
import io.github.panamallama.Quantizer;
import io.github.panamallama.StopReason;
import io.github.panamallama.fixture.TinyMistralConfig;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Quantizes an F32 GGUF of the tiny-Mistral fixture to every type that needs no importance
 * matrix, loads each result with llama.cpp, and checks the file size against the type's bits
 * per weight. The fixture's rows are multiples of 256 elements, so every type applies as such
 * (no fallback to another type).
 */
class QuantizeTinyMistralTest {
    private static final TinyMistralConfig CONFIG = TinyMistralConfig.DEFAULT;
    /**
     * Output header vs the F32 input's: llama.cpp adds general.quantization_version (32 bytes
     * once aligned, measured +32 for every type); tensor data needs no padding at these sizes.
     */
    private static final long SIZE_TOLERANCE = 64;

    @TempDir
    static Path directory;

    private static Path f32;
    private static long matrixWeights;
    private static long normWeights;
    /** The F32 file minus its weights: header, vocabulary, tensor index. */
    private static long overhead;

    @BeforeAll
    static void writeF32Gguf() throws IOException {
        LlamaRuntime.get();
        Path fixture = Path.of(System.getProperty("panamallama.home"), "build", "fixtures", "tiny-mistral", "native");
        assertTrue(Files.isRegularFile(fixture.resolve("consolidated.00.pth")),
                "the tests module's build generates " + fixture);
        f32 = directory.resolve("tiny-mistral-f32.gguf");
        long weights = TinyGguf.write(fixture, f32, CONFIG);
        normWeights = (long) CONFIG.dim() * (2L * CONFIG.layers() + 1);
        matrixWeights = weights - normWeights;
        overhead = Files.size(f32) - 4 * weights;
        assertEquals(2_531_328 + normWeights, weights); // 2 x 2000 x 256 + 2 x 753,664 per layer
    }

    static Stream<QuantizationType> typesWithoutImportanceMatrix() {
        return Arrays.stream(QuantizationType.values()).filter(type -> !type.requiresImportanceMatrix());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("typesWithoutImportanceMatrix")
    void pureQuantizationHasTheTypesExactBitsPerWeightAndLoads(QuantizationType type) throws IOException {
        Path out = directory.resolve("pure-" + type + ".gguf");
        QuantizationResult result = Quantizer.quantize(f32, out, type,
                QuantizationOptions.builder().pure(true).threads(1).build());
        assertEquals(Files.size(out), result.outputBytes());
        assertEquals(Files.size(f32), result.inputBytes());
        long expected = overhead + Math.round(matrixWeights * type.bitsPerWeight() / 8) + 4 * normWeights;
        System.out.printf("%s pure: %d bytes, expected %d (%+d)%n", type, result.outputBytes(), expected,
                result.outputBytes() - expected);
        assertEquals(expected, result.outputBytes(), SIZE_TOLERANCE, type + ": file size");
        LoadedModel model = LoadedModel.load(out);
        assertEquals(type.fileType(), model.ftype(), type + ": file type recorded");
        assertEquals(matrixWeights + normWeights, model.parameters());
        assertEquals(matrixWeights * type.bitsPerWeight() / 8 + 4 * normWeights, model.tensorBytes(),
                SIZE_TOLERANCE, type + ": tensor bytes");
        try (LlamaModel quantized = LlamaModel.load(out);
             LlamaContext context = quantized.newContext(ContextOptions.builder().contextLength(64).threads(2).build())) {
            Completion completion = context.complete("Once upon a time", GenerationOptions.builder().maxTokens(8).build());
            assertTrue(completion.tokens().length == 8 || completion.stopReason() == StopReason.EOS,
                    type + " generates: " + completion.stopReason() + " after " + completion.tokens().length + " tokens");
        }
    }

    @Test
    void defaultMixesKeepSomeTensorsAtHigherPrecision() throws IOException {
        for (QuantizationType type : new QuantizationType[] {QuantizationType.Q4_0, QuantizationType.Q4_K_M}) {
            Path out = directory.resolve("mix-" + type + ".gguf");
            QuantizationResult result = Quantizer.quantize(f32, out, type);
            double bitsPerWeight = (result.outputBytes() - overhead - 4.0 * normWeights) * 8 / matrixWeights;
            System.out.printf("%s: %d -> %d bytes, %.3f bits per matrix weight, %d ms%n", type,
                    result.inputBytes(), result.outputBytes(), bitsPerWeight, result.elapsed().toMillis());
            // The mixes raise output.weight (a fifth of this model) to Q6_K and, for K_M, half
            // of attn_v/ffn_down to Q6_K: above the main type, below Q8_0.
            assertTrue(bitsPerWeight > type.bitsPerWeight() + 0.2, type + ": " + bitsPerWeight);
            assertTrue(bitsPerWeight < QuantizationType.Q8_0.bitsPerWeight(), type + ": " + bitsPerWeight);
            assertEquals(type.fileType(), LoadedModel.load(out).ftype());
        }
    }

    @Test
    void requantizingNeedsItsOption() throws IOException {
        Path q8 = directory.resolve("requantize-q8.gguf");
        Quantizer.quantize(f32, q8, QuantizationType.Q8_0);
        Path q4 = directory.resolve("requantize-q4.gguf");
        QuantizationException e = assertThrows(QuantizationException.class,
                () -> Quantizer.quantize(q8, q4, QuantizationType.Q4_0));
        assertTrue(e.getMessage().startsWith("llama.cpp could not quantize " + q8 + " to Q4_0 into " + q4
                + " (status 1)"), e.getMessage());
        assertFalse(Files.exists(q4), "a failed quantization leaves no output behind");
        Quantizer.quantize(q8, q4, QuantizationType.Q4_0, QuantizationOptions.builder().allowRequantize(true).build());
        assertEquals(QuantizationType.Q4_0.fileType(), LoadedModel.load(q4).ftype());
    }

    @Test
    void ggufWithoutAModelFailsCleanly() throws IOException {
        Path empty = Files.write(directory.resolve("empty.gguf"), java.nio.ByteBuffer.allocate(24)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).put("GGUF".getBytes()).putInt(3).putLong(0).putLong(0).array());
        Path out = directory.resolve("empty-q4.gguf");
        QuantizationException e = assertThrows(QuantizationException.class,
                () -> Quantizer.quantize(empty, out, QuantizationType.Q4_0));
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
        assertFalse(Files.exists(out));
    }

    /**
     * Why the fixture's rows are multiples of 256: at the dims first considered (dim 64, FFN
     * 224, rows of 64 or 224 elements) K-quants cannot apply; llama.cpp falls back per tensor
     * (Q4_K to Q5_0, Q6_K to Q8_0, ...) and the file is not what the type promises, and Q1_0
     * (128-element blocks) has no fallback at all.
     */
    @Test
    void rowsNotDivisibleBy256FallBackToOtherTypes() throws IOException {
        TinyMistralConfig small = new TinyMistralConfig(64, 2, 8, 2, 8, 224, 2000, 1e-5, 1e6, 32768);
        Path fixture = directory.resolve("small-fixture");
        new io.github.panamallama.fixture.TinyMistral(small).generate(fixture);
        Path smallF32 = directory.resolve("small-f32.gguf");
        TinyGguf.write(fixture.resolve("native"), smallF32, small);
        QuantizationOptions pure = QuantizationOptions.builder().pure(true).threads(1).build();

        long q4k = Quantizer.quantize(smallF32, directory.resolve("small-q4_k.gguf"), QuantizationType.Q4_K_S, pure)
                .outputBytes();
        long q50 = Quantizer.quantize(smallF32, directory.resolve("small-q5_0.gguf"), QuantizationType.Q5_0, pure)
                .outputBytes();
        assertEquals(q50, q4k, "every Q4_K tensor fell back to Q5_0");
        long q6k = Quantizer.quantize(smallF32, directory.resolve("small-q6_k.gguf"), QuantizationType.Q6_K, pure)
                .outputBytes();
        long q80 = Quantizer.quantize(smallF32, directory.resolve("small-q8_0.gguf"), QuantizationType.Q8_0, pure)
                .outputBytes();
        assertEquals(q80, q6k, "every Q6_K tensor fell back to Q8_0");
        assertThrows(QuantizationException.class,
                () -> Quantizer.quantize(smallF32, directory.resolve("small-q1_0.gguf"), QuantizationType.Q1_0, pure));
    }

    /**
     * The types {@link QuantizationType#requiresImportanceMatrix()} marks are exactly those
     * llama.cpp itself refuses without one (called through the bindings, bypassing the Java check).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("typesWithImportanceMatrix")
    void llamaCppRefusesTheImportanceMatrixTypesWithoutOne(QuantizationType type) {
        Path out = directory.resolve("imatrix-" + type + ".gguf");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = llama_model_quantize_default_params(arena);
            io.github.panamallama.internal.llama.llama_model_quantize_params.ftype(params, type.fileType());
            int status = llama_model_quantize(arena.allocateFrom(f32.toString()), arena.allocateFrom(out.toString()),
                    params);
            assertEquals(1, status, type.toString());
        }
    }

    static Stream<QuantizationType> typesWithImportanceMatrix() {
        return Arrays.stream(QuantizationType.values()).filter(QuantizationType::requiresImportanceMatrix);
    }

    /** What llama.cpp says about a model file it loaded (through the bindings directly). */
    record LoadedModel(int ftype, long parameters, long tensorBytes) {
        static LoadedModel load(Path file) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment params = llama_model_default_params(arena);
                MemorySegment model = llama_model_load_from_file(arena.allocateFrom(file.toString()), params);
                assertFalse(model.equals(MemorySegment.NULL), "llama.cpp loads " + file);
                try {
                    return new LoadedModel(llama_model_ftype(model), llama_model_n_params(model),
                            llama_model_size(model));
                } finally {
                    llama_model_free(model);
                }
            }
        }
    }
}
