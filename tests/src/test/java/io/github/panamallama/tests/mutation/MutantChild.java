package io.github.panamallama.tests.mutation;

import io.github.panamallama.Completion;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.ModelOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child JVM of the campaign: loads mutants {@code from} (inclusive) to {@code to} (exclusive)
 * one after the other and reports each on stdout between {@code @@begin i} and {@code @@end i
 * OUTCOME message}. If the JVM dies, the parent knows the mutant from the last unmatched begin.
 *
 * <p>Arguments: fixture file, mutant list spec ({@link MutantList#of}), from, to, scratch directory.
 */
public final class MutantChild {
    static final String BEGIN = "@@begin ";
    static final String END = "@@end ";

    private MutantChild() {}

    public static void main(String[] args) throws Exception {
        Path fixture = Path.of(args[0]);
        MutantList catalog = MutantList.of(args[1], GgufLayout.parse(Files.readAllBytes(fixture)));
        int from = Integer.parseInt(args[2]);
        int to = Integer.parseInt(args[3]);
        Path scratch = Files.createDirectories(Path.of(args[4]));
        Path file = scratch.resolve("mutant-" + ProcessHandle.current().pid() + ".gguf");
        for (int i = from; i < to; i++) {
            Mutant mutant = catalog.get(i);
            System.out.println(BEGIN + i);
            System.out.flush();
            String outcome;
            try {
                outcome = run(mutant, catalog.base(), fixture, file);
            } catch (Exception | OutOfMemoryError e) {
                outcome = "REFUSED " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
            }
            System.out.println(END + i + " " + outcome);
            System.out.flush();
        }
        Files.deleteIfExists(file);
    }

    private static String run(Mutant mutant, GgufLayout base, Path fixture, Path file) throws Exception {
        ModelOptions.Builder options = ModelOptions.builder();
        Path model = fixture;
        switch (mutant) {
            case Mutant.FileMutant fileMutant -> {
                Files.write(file, fileMutant.apply(base));
                model = file;
            }
            case Mutant.Overrides overrides -> {
                if (overrides.file() != null) {
                    Files.write(file, overrides.file().apply(base));
                    model = file;
                }
                overrides.overrides().forEach(o -> {
                switch (o) {
                    case io.github.panamallama.MetadataOverride.IntValue v -> options.override(v.key(), v.value());
                    case io.github.panamallama.MetadataOverride.FloatValue v -> options.override(v.key(), v.value());
                    case io.github.panamallama.MetadataOverride.BoolValue v -> options.override(v.key(), v.value());
                    case io.github.panamallama.MetadataOverride.StringValue v -> options.override(v.key(), v.value());
                }
                });
            }
        }
        try (LlamaModel loaded = LlamaModel.load(model, options.build())) {
            if (loaded.isVocabOnly()) {
                return "LOADED vocabulary only";
            }
            ContextOptions contextOptions = ContextOptions.builder().contextLength(64).batchSize(64).ubatchSize(64)
                    .threads(1).build();
            try (LlamaContext context = loaded.newContext(contextOptions)) {
                Completion completion = context.complete("Hello world",
                        GenerationOptions.builder().maxTokens(3).build());
                return "LOADED generated " + completion.tokens().length + " tokens";
            }
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
