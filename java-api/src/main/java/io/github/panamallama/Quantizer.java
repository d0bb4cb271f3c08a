package io.github.panamallama;

import static io.github.panamallama.internal.llama.llama_h.*;

import io.github.panamallama.gguf.GgufFile;
import io.github.panamallama.gguf.GgufFormatException;
import io.github.panamallama.gguf.GgufTensorInfo;
import io.github.panamallama.internal.llama.llama_model_quantize_params;
import io.github.panamallama.internal.runtime.NativeLog;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Quantizes a GGUF model file with llama.cpp ({@code llama_model_quantize}), e.g. an F16 or
 * BF16 conversion down to {@link QuantizationType#Q4_K_M}.
 *
 * <p>llama.cpp's quantizer has no progress callback, but it logs a line per tensor; a
 * {@link QuantizationListener} given in the options hears about each tensor from those lines.
 * llama.cpp writes its reasons for a failure to its log too ({@link System.Logger}
 * {@code io.github.panamallama.llama.cpp}). What can be checked beforehand is checked here, so
 * that a bad argument is an exception naming it rather than a failure deep in native code.
 */
public final class Quantizer {

    private Quantizer() {
    }

    /** Quantizes with llama.cpp's default options. */
    public static QuantizationResult quantize(Path input, Path output, QuantizationType type) {
        return quantize(input, output, type, QuantizationOptions.defaults());
    }

    /**
     * Quantizes {@code input} into {@code output}, replacing an existing output file.
     *
     * @throws IllegalArgumentException if the input is missing or not a GGUF file, the output is
     *     the input or cannot be written, or the type needs an importance matrix
     * @throws QuantizationException if llama.cpp fails (e.g. the GGUF holds no model it knows)
     * @throws NativeLibraryException if llama.cpp cannot be loaded
     * @throws RuntimeException what the options' listener threw, once llama.cpp has finished
     *     (it cannot be stopped midway; the output is then left as llama.cpp wrote it)
     */
    public static QuantizationResult quantize(Path input, Path output, QuantizationType type,
            QuantizationOptions options) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(options, "options");
        if (type.requiresImportanceMatrix()) {
            throw new IllegalArgumentException(type + " needs an importance matrix, which this quantizer does"
                    + " not take; choose a type such as Q4_K_M, IQ4_XS or Q3_K_M");
        }
        long inputBytes = checkGguf(input);
        checkNotSameFile(input, output);
        boolean created = probeWritable(output);

        LlamaRuntime.get();
        int status;
        long start = System.nanoTime();
        QuantizationProgressTracker tracker = new QuantizationProgressTracker(options.listener(),
                options.listener() == QuantizationListener.NONE ? Map.of() : tensorBytes(input), start);
        try (Arena arena = Arena.ofConfined(); NativeLog.Observation log = NativeLog.observe(tracker)) {
            MemorySegment params = llama_model_quantize_default_params(arena);
            llama_model_quantize_params.nthread(params, options.threads());
            llama_model_quantize_params.ftype(params, ftype(type));
            llama_model_quantize_params.allow_requantize(params, options.allowRequantize());
            llama_model_quantize_params.quantize_output_tensor(params, options.quantizeOutputTensor());
            llama_model_quantize_params.pure(params, options.pure());
            llama_model_quantize_params.keep_split(params, options.keepSplit());
            status = llama_model_quantize(arena.allocateFrom(input.toString()),
                    arena.allocateFrom(output.toString()), params);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (status != 0) {
            if (created) {
                deleteQuietly(output);
            }
            QuantizationException failure = new QuantizationException("llama.cpp could not quantize " + input + " to "
                    + type + " into " + output + " (status " + status + "); the llama.cpp log (System.Logger "
                    + "io.github.panamallama.llama.cpp) gives the reason");
            if (tracker.failure() != null) {
                failure.addSuppressed(tracker.failure());
            }
            throw failure;
        }
        rethrowListenerFailure(tracker.failure());
        QuantizationResult result;
        try {
            result = new QuantizationResult(output, type, inputBytes, Files.size(output), elapsed);
        } catch (IOException e) {
            throw new QuantizationException("llama.cpp reported success but " + output + " cannot be read: "
                    + e.getMessage());
        }
        options.listener().finished(result);
        return result;
    }

    /** Each tensor's size by name, for progress by bytes; empty if our GGUF reader cannot read it. */
    private static Map<String, Long> tensorBytes(Path input) {
        try (GgufFile gguf = GgufFile.open(input)) {
            Map<String, Long> sizes = new HashMap<>();
            for (GgufTensorInfo tensor : gguf.tensors()) {
                sizes.put(tensor.name(), tensor.byteSize());
            }
            return sizes;
        } catch (IOException | RuntimeException e) {
            return Map.of(); // llama.cpp may still read it; progress then counts logged sizes
        }
    }

    private static void rethrowListenerFailure(Throwable failure) {
        if (failure == null) {
            return;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        throw new IllegalStateException("the quantization listener failed: " + failure, failure);
    }

    /** The GGUF magic and a known version, before llama.cpp sees the file; returns its size. */
    private static long checkGguf(Path input) {
        if (!Files.isRegularFile(input)) {
            throw new IllegalArgumentException("input model " + input + " does not exist or is not a file");
        }
        try {
            GgufFile.checkHeader(input);
            return Files.size(input);
        } catch (GgufFormatException e) {
            throw new IllegalArgumentException("input " + input + " is not a GGUF model llama.cpp reads: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("input model " + input + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static void checkNotSameFile(Path input, Path output) {
        boolean same;
        try {
            same = Files.exists(output) ? Files.isSameFile(input, output)
                    : input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot compare " + input + " and " + output + ": " + e.getMessage(), e);
        }
        if (same) {
            throw new IllegalArgumentException("output " + output + " is the input file; llama.cpp reads the input"
                    + " while it writes the output");
        }
    }

    /** Opens the output for writing once, so an unwritable path fails here; true if it was created. */
    private static boolean probeWritable(Path output) {
        Path parent = output.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("cannot write output " + output + ": directory " + parent
                    + " does not exist");
        }
        if (Files.isDirectory(output)) {
            throw new IllegalArgumentException("cannot write output " + output + ": it is a directory");
        }
        boolean existed = Files.exists(output);
        try {
            FileChannel.open(output, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
            return !existed;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write output " + output + ": " + e, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the exception about the failed quantization matters more than a leftover file
        }
    }

    /** The {@code llama_ftype} value, from the generated header (not a hand-copied number). */
    static int ftype(QuantizationType type) {
        return switch (type) {
            case F32 -> LLAMA_FTYPE_ALL_F32();
            case F16 -> LLAMA_FTYPE_MOSTLY_F16();
            case BF16 -> LLAMA_FTYPE_MOSTLY_BF16();
            case Q8_0 -> LLAMA_FTYPE_MOSTLY_Q8_0();
            case Q4_0 -> LLAMA_FTYPE_MOSTLY_Q4_0();
            case Q4_1 -> LLAMA_FTYPE_MOSTLY_Q4_1();
            case Q5_0 -> LLAMA_FTYPE_MOSTLY_Q5_0();
            case Q5_1 -> LLAMA_FTYPE_MOSTLY_Q5_1();
            case Q2_K -> LLAMA_FTYPE_MOSTLY_Q2_K();
            case Q2_K_S -> LLAMA_FTYPE_MOSTLY_Q2_K_S();
            case Q3_K_S -> LLAMA_FTYPE_MOSTLY_Q3_K_S();
            case Q3_K_M -> LLAMA_FTYPE_MOSTLY_Q3_K_M();
            case Q3_K_L -> LLAMA_FTYPE_MOSTLY_Q3_K_L();
            case Q4_K_S -> LLAMA_FTYPE_MOSTLY_Q4_K_S();
            case Q4_K_M -> LLAMA_FTYPE_MOSTLY_Q4_K_M();
            case Q5_K_S -> LLAMA_FTYPE_MOSTLY_Q5_K_S();
            case Q5_K_M -> LLAMA_FTYPE_MOSTLY_Q5_K_M();
            case Q6_K -> LLAMA_FTYPE_MOSTLY_Q6_K();
            case IQ1_S -> LLAMA_FTYPE_MOSTLY_IQ1_S();
            case IQ1_M -> LLAMA_FTYPE_MOSTLY_IQ1_M();
            case IQ2_XXS -> LLAMA_FTYPE_MOSTLY_IQ2_XXS();
            case IQ2_XS -> LLAMA_FTYPE_MOSTLY_IQ2_XS();
            case IQ2_S -> LLAMA_FTYPE_MOSTLY_IQ2_S();
            case IQ2_M -> LLAMA_FTYPE_MOSTLY_IQ2_M();
            case IQ3_XXS -> LLAMA_FTYPE_MOSTLY_IQ3_XXS();
            case IQ3_XS -> LLAMA_FTYPE_MOSTLY_IQ3_XS();
            case IQ3_S -> LLAMA_FTYPE_MOSTLY_IQ3_S();
            case IQ3_M -> LLAMA_FTYPE_MOSTLY_IQ3_M();
            case IQ4_NL -> LLAMA_FTYPE_MOSTLY_IQ4_NL();
            case IQ4_XS -> LLAMA_FTYPE_MOSTLY_IQ4_XS();
            case TQ1_0 -> LLAMA_FTYPE_MOSTLY_TQ1_0();
            case TQ2_0 -> LLAMA_FTYPE_MOSTLY_TQ2_0();
            case Q1_0 -> LLAMA_FTYPE_MOSTLY_Q1_0();
            case Q2_0 -> LLAMA_FTYPE_MOSTLY_Q2_0();
            case MXFP4_MOE -> LLAMA_FTYPE_MOSTLY_MXFP4_MOE();
        };
    }
}
