package io.github.panamallama.examples;

import io.github.panamallama.convert.ConversionResult;
import io.github.panamallama.convert.MistralConverter;
import io.github.panamallama.convert.OutputType;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Converts a Mistral 7B-style checkpoint directory (native or Hugging Face layout) to GGUF. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert a Mistral/llama checkpoint to a GGUF file llama.cpp loads.",
            "Input: Mistral native (params.json, consolidated.00.pth, tokenizer.model)",
            "or Hugging Face (config.json, safetensors [+ index], tokenizer.model)."})
final class ConvertCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "DIR", description = "Checkpoint directory.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "GGUF file to write.")
    Path output;

    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "f16",
            description = "Matrix element type: f32, f16 or bf16 (default: ${DEFAULT-VALUE}). Norms stay f32.")
    OutputType type;

    @Option(names = "--context-length", paramLabel = "N",
            description = "Training context length to record (native checkpoints do not state it; default 32768).")
    Integer contextLength;

    @Option(names = "--name", description = "general.name (default: the input directory's name).")
    String name;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        MistralConverter.Builder builder = MistralConverter.builder().outputType(type)
                .listener(TerminalProgressBar.forConsole());
        if (contextLength != null) {
            builder.contextLength(contextLength);
        }
        if (name != null) {
            builder.name(name);
        }
        try {
            ConversionResult result = builder.build().convert(input, output);
            out.printf("wrote %s: %d tensors, %d bytes in %.1f s (%.0f MB/s of checkpoint)%n", result.output(),
                    result.tensorCount(), result.fileBytes(), result.elapsed().toMillis() / 1000.0,
                    result.inputMegabytesPerSecond());
            out.flush();
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 1;
        }
    }
}
