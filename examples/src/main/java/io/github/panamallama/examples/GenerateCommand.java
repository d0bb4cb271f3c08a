package io.github.panamallama.examples;

import io.github.panamallama.Completion;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.GenerationTimings;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.Sampler;
import io.github.panamallama.grammar.JsonSchemaGrammar;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * One-shot completion, streamed to stdout as pieces arrive; load time and speeds go to stderr
 * so that stdout is exactly the generated text (plus a final newline).
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Complete a prompt, streaming the text to stdout; timings go to stderr.",
        footer = {"", "Examples:",
                "  scripts/example generate \"Once upon a time\" --max-tokens 64",
                "  scripts/example generate -m mistral-7b-q4_k_m.gguf --temp 0 -p \"Paris is\"",
                "  scripts/example generate --json-schema schema.json \"JSON: \""})
final class GenerateCommand implements Callable<Integer> {
    static final String DEFAULT_PROMPT = "Once upon a time";

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Parameters(arity = "0..1", paramLabel = "PROMPT", description = "The text to complete (or use -p).")
    String positionalPrompt;

    @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "The text to complete.")
    String optionPrompt;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "128",
            description = "Most tokens to generate. Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--stop", paramLabel = "TEXT",
            description = "Stop when the text contains TEXT (not printed); repeatable.")
    List<String> stops = new ArrayList<>();

    @ArgGroup(exclusive = true)
    GrammarChoice grammar = new GrammarChoice();

    @Mixin
    ContextSettings context;

    @Mixin
    SamplingFlags sampling;

    static final class GrammarChoice {
        @Option(names = "--grammar-file", paramLabel = "FILE", description = "Constrain output to a GBNF grammar (root rule: root).")
        Path grammarFile;

        @Option(names = "--json-schema", paramLabel = "SCHEMA",
                description = "Constrain output to JSON matching a JSON Schema: a file, or the schema itself inline.")
        String jsonSchema;
    }

    @Override
    public Integer call() {
        String prompt = prompt();
        sampling.check(maxTokens);
        try {
            GenerationOptions.builder().stopStrings(stops).build(); // its check, before the model loads
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--stop: " + e.getMessage());
        }
        Optional<String> gbnf = grammarText();
        Path modelPath = model.resolve();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        long loadStart = System.nanoTime();
        try (LlamaModel llama = LlamaModel.load(modelPath, context.modelOptions())) {
            double loadMillis = (System.nanoTime() - loadStart) / 1e6;
            try (LlamaContext ctx = llama.newContext(context.contextOptions().build());
                 Sampler sampler = buildSampler(llama, gbnf)) {
                err.printf("model: %s, context: %d tokens, sampler: %s%n", llama.description(), ctx.contextLength(),
                        String.join(" > ", sampler.stages()));
                err.flush();
                GenerationOptions options = GenerationOptions.builder()
                        .maxTokens(maxTokens)
                        .stopStrings(stops)
                        .sampler(sampler)
                        .build();
                Completion completion;
                try {
                    completion = ctx.complete(prompt, options, piece -> {
                        out.print(piece);
                        out.flush();
                    });
                } catch (IllegalArgumentException e) {
                    // The prompt does not fit the context (or gives no tokens): say so, not a stack trace.
                    err.println("error: " + e.getMessage() + "; pass a larger --context-length or a shorter prompt");
                    err.flush();
                    return 2;
                }
                out.println();
                out.flush();
                GenerationTimings timings = completion.timings();
                err.printf("load: %.0f ms | prompt: %d tokens, %.1f tokens/s | generation: %d tokens, %.1f tokens/s"
                                + " | stop: %s%s%n",
                        loadMillis, timings.promptTokens(), timings.promptTokensPerSecond(),
                        timings.generatedTokens(), timings.tokensPerSecond(), completion.stopReason(),
                        sampling.greedy() ? "" : " | seed: " + sampler.seed());
                err.flush();
            }
        }
        return 0;
    }

    private String prompt() {
        if (positionalPrompt != null && optionPrompt != null) {
            throw new ParameterException(spec.commandLine(), "give the prompt once: as an argument or with -p, not both");
        }
        String prompt = positionalPrompt != null ? positionalPrompt : optionPrompt;
        if (prompt == null) {
            spec.commandLine().getErr().println("note: no prompt given: completing \"" + DEFAULT_PROMPT + "\"");
            return DEFAULT_PROMPT;
        }
        if (prompt.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "the prompt is empty");
        }
        return prompt;
    }

    private Optional<String> grammarText() {
        if (grammar.grammarFile != null) {
            return Optional.of(readFile("--grammar-file", grammar.grammarFile));
        }
        if (grammar.jsonSchema != null) {
            String schema = grammar.jsonSchema.strip();
            if (!schema.startsWith("{") && !schema.startsWith("[") && !schema.equals("true")) {
                schema = readFile("--json-schema", Path.of(grammar.jsonSchema));
            }
            try {
                return Optional.of(JsonSchemaGrammar.fromSchema(schema));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--json-schema: " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    private String readFile(String option, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), option + ": no such file: " + file);
        }
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), option + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    private Sampler buildSampler(LlamaModel llama, Optional<String> gbnf) {
        try {
            return sampling.build(llama, gbnf);
        } catch (IllegalArgumentException e) {
            // llama.cpp refused the grammar: the message says where.
            String option = grammar.grammarFile != null ? "--grammar-file " + grammar.grammarFile : "--json-schema";
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }
}
