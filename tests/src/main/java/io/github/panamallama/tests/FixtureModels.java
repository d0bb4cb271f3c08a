package io.github.panamallama.tests;

import io.github.panamallama.QuantizationType;
import io.github.panamallama.Quantizer;
import io.github.panamallama.convert.MistralConverter;
import io.github.panamallama.convert.OutputType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Turns the tiny-Mistral checkpoint into the GGUF files tests and examples load, the way a user
 * would: converted from Mistral's native layout, then quantized. A file is remade only when the
 * checkpoint is newer, so an up-to-date build costs nothing.
 *
 * <p>{@code tiny-mistral-f16.gguf} is the examples' built-in default model.
 */
public final class FixtureModels {
    /** The quantized variants, made from the F16 file. */
    static final List<QuantizationType> QUANTIZED = List.of(QuantizationType.Q8_0, QuantizationType.Q4_0, QuantizationType.Q4_K_M);

    private FixtureModels() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: FixtureModels <fixtureDir>");
            System.exit(2);
        }
        Path directory = Path.of(args[0]);
        Path checkpoint = directory.resolve("fixture.properties");
        if (!Files.isRegularFile(checkpoint)) {
            throw new IllegalStateException("no tiny-Mistral checkpoint in " + directory + ": run TinyMistral first");
        }
        for (OutputType type : List.of(OutputType.F16, OutputType.F32)) {
            Path gguf = directory.resolve(fileName(type.name()));
            if (isStale(gguf, checkpoint)) {
                convert(directory.resolve("native"), gguf, type);
                System.out.println("converted " + gguf.getFileName());
            }
        }
        Path f16 = directory.resolve(fileName("F16"));
        for (QuantizationType type : QUANTIZED) {
            Path quantized = directory.resolve(fileName(type.name()));
            if (isStale(quantized, f16)) {
                Path partial = quantized.resolveSibling(quantized.getFileName() + ".partial");
                Quantizer.quantize(f16, partial, type);
                Files.move(partial, quantized, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                System.out.println("quantized " + quantized.getFileName());
            }
        }
    }

    /** {@code tiny-mistral-f16.gguf}, {@code tiny-mistral-q4_k_m.gguf}, ... */
    public static String fileName(String type) {
        return "tiny-mistral-" + type.toLowerCase(java.util.Locale.ROOT) + ".gguf";
    }

    private static void convert(Path input, Path output, OutputType type) throws IOException {
        Path partial = output.resolveSibling(output.getFileName() + ".partial");
        MistralConverter.builder().outputType(type).name("tiny-mistral").build().convert(input, partial);
        Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean isStale(Path output, Path input) throws IOException {
        return !Files.isRegularFile(output)
                || Files.getLastModifiedTime(output).compareTo(Files.getLastModifiedTime(input)) < 0;
    }
}
