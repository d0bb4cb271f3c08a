package io.github.panamallama.examples;

import io.github.panamallama.QuantizationOptions;
import io.github.panamallama.QuantizationResult;
import io.github.panamallama.QuantizationType;
import io.github.panamallama.Quantizer;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** Quantizes a GGUF model with llama.cpp, e.g. an F16 conversion down to Q4_K_M. */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Quantize a GGUF model file with llama.cpp.",
        footer = {"", "Types (case-insensitive):",
                "  F32 F16 BF16 Q8_0 Q4_0 Q4_1 Q5_0 Q5_1 Q2_K Q3_K_S Q3_K_M Q3_K_L Q4_K_S",
                "  Q4_K_M Q5_K_S Q5_K_M Q6_K IQ3_XS IQ3_S IQ3_M IQ4_NL IQ4_XS TQ1_0 TQ2_0",
                "  Q1_0 Q2_0 MXFP4_MOE; aliases Q3_K Q4_K Q5_K.",
                "  Q2_K_S, IQ1_*, IQ2_* and IQ3_XXS need an importance matrix: refused.",
                "", "Example: scripts/quantize.sh model-f16.gguf model-q4_k_m.gguf q4_k_m"})
final class QuantizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "INPUT", description = "GGUF model to quantize (F32, F16 or BF16).")
    Path input;

    @Parameters(index = "1", paramLabel = "OUTPUT", description = "GGUF file to write (replaced if it exists).")
    Path output;

    @Parameters(index = "2", paramLabel = "TYPE", converter = TypeConverter.class,
            description = "Quantization type, e.g. q4_k_m, q8_0.")
    QuantizationType type;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", defaultValue = "0",
            description = "Worker threads; 0 = one per hardware thread (default).")
    int threads;

    @Option(names = "--allow-requantize", description = "Allow quantizing tensors that are already quantized.")
    boolean allowRequantize;

    @Option(names = "--leave-output-tensor", description = "Do not quantize output.weight.")
    boolean leaveOutputTensor;

    @Option(names = "--pure", description = "Use TYPE for every tensor, without the mixes' higher-precision exceptions.")
    boolean pure;

    @Option(names = "--keep-split", description = "Write as many shards as the input has.")
    boolean keepSplit;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        QuantizationOptions options = QuantizationOptions.builder()
                .threads(threads)
                .allowRequantize(allowRequantize)
                .quantizeOutputTensor(!leaveOutputTensor)
                .pure(pure)
                .keepSplit(keepSplit)
                .listener(TerminalProgressBar.forConsole())
                .build();
        QuantizationResult result;
        try {
            result = Quantizer.quantize(input, output, type, options);
        } catch (IllegalArgumentException e) {
            // A bad path or type: the message says which; a stack trace would only hide it.
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 2;
        }
        out.printf("quantized %s (%.2f MiB) to %s: %s (%.2f MiB) in %d ms%n", input, result.inputBytes() / 1048576.0,
                type, result.output(), result.outputBytes() / 1048576.0, result.elapsed().toMillis());
        out.flush();
        return 0;
    }

    /** Lets picocli report an unknown type with the list of valid names. */
    static final class TypeConverter implements ITypeConverter<QuantizationType> {
        @Override
        public QuantizationType convert(String value) {
            try {
                return QuantizationType.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
