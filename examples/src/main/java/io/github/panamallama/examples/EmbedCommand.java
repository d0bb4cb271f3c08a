package io.github.panamallama.examples;

import io.github.panamallama.ContextOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.ModelOptions;
import io.github.panamallama.PoolingType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Embeds each input line and prints the vectors' start and the cosine similarity of every pair. */
@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Embed lines of text (one per line; blank lines skipped) and print the dimension, the first"
                + " values of each vector and the cosine-similarity matrix.",
        footer = {"", "Examples:", "  scripts/example embed sentences.txt",
                "  printf 'a cat\\na dog\\nstock prices\\n' | scripts/example embed -"})
final class EmbedCommand implements Callable<Integer> {
    static final List<String> SAMPLE_LINES = List.of(
            "The cat sat on the mat.",
            "A cat was sitting on a mat.",
            "Interest rates rose again this quarter.");
    static final int MAX_LINES = 256;

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Parameters(arity = "0..1", paramLabel = "FILE",
            description = "Text file, or - for stdin (default: three built-in sample sentences).")
    String input;

    @Option(names = "--pooling", paramLabel = "TYPE", defaultValue = "MEAN",
            description = "How token embeddings become one per line: MEAN, CLS, LAST, or MODEL_DEFAULT."
                    + " Default: ${DEFAULT-VALUE} (suits a decoder model such as Mistral).")
    PoolingType pooling;

    @Option(names = "--values", paramLabel = "N", defaultValue = "8",
            description = "How many leading values of each vector to print. Default: ${DEFAULT-VALUE}.")
    int values;

    @Option(names = "--max-line-tokens", paramLabel = "N", defaultValue = "2048",
            description = "Longest line in tokens (one decode per line). Default: ${DEFAULT-VALUE}.")
    int maxLineTokens;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "CPU threads; default: one per physical core.")
    Integer threads;

    @Override
    public Integer call() {
        if (pooling == PoolingType.NONE || pooling == PoolingType.RANK) {
            throw new ParameterException(spec.commandLine(), "--pooling " + pooling
                    + " gives no single vector per line: use MEAN, CLS, LAST or MODEL_DEFAULT");
        }
        if (values < 0) {
            throw new ParameterException(spec.commandLine(), "--values must be >= 0: " + values);
        }
        if (maxLineTokens < 1) {
            throw new ParameterException(spec.commandLine(), "--max-line-tokens must be > 0: " + maxLineTokens);
        }
        if (threads != null && threads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be > 0: " + threads);
        }
        List<String> lines = readLines();
        Path modelPath = model.resolve();
        PrintWriter out = spec.commandLine().getOut();
        ContextOptions.Builder options = ContextOptions.builder()
                .embeddings(true)
                .pooling(pooling)
                // A line is embedded in one decode, and its attention needs it in one micro-batch.
                .contextLength(maxLineTokens)
                .batchSize(maxLineTokens)
                .ubatchSize(maxLineTokens);
        if (threads != null) {
            options.threads(threads);
        }
        try (LlamaModel llama = LlamaModel.load(modelPath,
                ModelOptions.builder().progressListener(ModelOption.loadProgress()).build());
             LlamaContext context = llama.newContext(options.build())) {
            List<float[]> vectors = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                try {
                    vectors.add(context.embed(lines.get(i)));
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "line " + (i + 1) + ": " + e.getMessage()
                            + (e.getMessage().contains("ubatchSize") ? "; raise --max-line-tokens" : ""));
                }
            }
            int dimension = vectors.getFirst().length;
            out.printf("%d lines, dimension %d, pooling %s (vectors normalised to length 1)%n",
                    lines.size(), dimension, context.pooling());
            for (int i = 0; i < lines.size(); i++) {
                out.printf("[%d] %s%n    %s%n", i + 1, abbreviate(lines.get(i)), leading(vectors.get(i)));
            }
            out.println("cosine similarity:");
            out.print(similarityMatrix(vectors));
            out.flush();
        }
        return 0;
    }

    private List<String> readLines() {
        List<String> lines;
        if (input == null) {
            spec.commandLine().getErr().println("note: no FILE given: embedding " + SAMPLE_LINES.size()
                    + " built-in sample sentences (pass a file, or - for stdin)");
            return SAMPLE_LINES;
        }
        try {
            if (input.equals("-")) {
                lines = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).lines().toList();
            } else {
                Path path = Path.of(input);
                if (!Files.isRegularFile(path)) {
                    throw new ParameterException(spec.commandLine(), "no such file: " + input);
                }
                lines = Files.readAllLines(path);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read " + input + ": " + e.getMessage());
        }
        List<String> nonBlank = lines.stream().map(String::strip).filter(line -> !line.isEmpty()).toList();
        if (nonBlank.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no text to embed: " + input + " has no non-blank lines");
        }
        if (nonBlank.size() > MAX_LINES) {
            throw new ParameterException(spec.commandLine(), input + " has " + nonBlank.size()
                    + " lines; this example embeds at most " + MAX_LINES);
        }
        return nonBlank;
    }

    private String leading(float[] vector) {
        StringBuilder text = new StringBuilder();
        int shown = Math.min(values, vector.length);
        for (int i = 0; i < shown; i++) {
            text.append(String.format(Locale.ROOT, "%+.4f ", vector[i]));
        }
        return text.append(shown < vector.length ? "... (" + shown + " of " + vector.length + ")" : "").toString().strip();
    }

    /** Rows and columns numbered like the lines; vectors are unit length, so cosine is the dot product. */
    static String similarityMatrix(List<float[]> vectors) {
        StringBuilder text = new StringBuilder("     ");
        for (int j = 0; j < vectors.size(); j++) {
            text.append(String.format(Locale.ROOT, "%8s", "[" + (j + 1) + "]"));
        }
        text.append('\n');
        for (int i = 0; i < vectors.size(); i++) {
            text.append(String.format(Locale.ROOT, "%-5s", "[" + (i + 1) + "]"));
            for (int j = 0; j < vectors.size(); j++) {
                text.append(String.format(Locale.ROOT, "%8.4f", cosine(vectors.get(i), vectors.get(j))));
            }
            text.append('\n');
        }
        return text.toString();
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            normA += (double) a[i] * a[i];
            normB += (double) b[i] * b[i];
        }
        return normA == 0 || normB == 0 ? 0 : dot / Math.sqrt(normA * normB);
    }

    private static String abbreviate(String line) {
        return line.length() > 70 ? line.substring(0, 67) + "..." : line;
    }
}
