package io.github.panamallama.examples;

import io.github.panamallama.ChatMessage;
import io.github.panamallama.ChatSession;
import io.github.panamallama.Completion;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.Sampler;
import io.github.panamallama.Vocabulary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Puts a whole document into the context window, asks one question about it, and reports how
 * much of the window that took and what the KV cache costs.
 */
@Command(name = "long-context", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Answer a question about a long text file read into the context window (default: the model's"
                + " whole training context, 32768 tokens for Mistral 7B v0.2).",
                "Prints the answer, then the window used (prompt + answer of n_ctx) and the KV-cache size."},
        footer = {"", "Example: scripts/example long-context -m mistral-7b-instruct-v0.2.Q4_K_M.gguf report.txt"
                + " --question \"Which risks does the report name?\""})
final class LongContextCommand implements Callable<Integer> {
    static final String DEFAULT_QUESTION = "Summarise the text above in a few sentences.";
    static final String NEEDLE_QUESTION = "What is the secret number mentioned in the text?";

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Parameters(arity = "0..1", paramLabel = "FILE",
            description = "UTF-8 text to read (default: a generated text of about " + HaystackText.DEFAULT_TOKENS
                    + " tokens with a secret number hidden in its middle).")
    Path file;

    @Option(names = {"-q", "--question"}, paramLabel = "TEXT",
            description = "What to ask about the text. Default: \"" + DEFAULT_QUESTION + "\"")
    String question;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "128",
            description = "Most answer tokens; this much of the window is kept free for the answer. Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--truncate",
            description = "If the text does not fit, drop its beginning (and say how much) instead of failing.")
    boolean truncate;

    @Mixin
    ContextSettings context;

    @Mixin
    SamplingFlags sampling;

    @Override
    public Integer call() throws IOException {
        sampling.check(maxTokens);
        Optional<String> document = file == null ? Optional.empty() : Optional.of(readDocument(file));
        String ask = question != null ? question : document.isPresent() ? DEFAULT_QUESTION : NEEDLE_QUESTION;
        if (ask.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--question is empty");
        }
        Path modelPath = model.resolve();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (LlamaModel llama = LlamaModel.load(modelPath, context.modelOptions());
             LlamaContext ctx = llama.newContext(context.contextOptions().build());
             Sampler sampler = sampling.build(llama, Optional.empty())) {
            int window = ctx.contextLength();
            if (maxTokens >= window) {
                throw new ParameterException(spec.commandLine(), "--max-tokens " + maxTokens
                        + " leaves no room for the text in a window of " + window + " tokens");
            }
            Vocabulary vocabulary = llama.vocabulary();
            String template = llama.chatTemplate().orElse(ChatSession.FALLBACK_TEMPLATE);
            String text = document.orElseGet(() -> {
                int size = Math.min(window - maxTokens - 64, HaystackText.DEFAULT_TOKENS);
                String generated = HaystackText.filling(vocabulary, size);
                err.printf("note: no FILE given: using a generated text of about %d tokens with a secret number (%s)"
                        + " in its middle; pass a FILE (up to the %d-token window) for more%n", size,
                        HaystackText.SECRET, window);
                return generated;
            });
            Prompt prompt = fit(text, ask, template, vocabulary, window);
            err.printf("reading %d tokens of text into a window of %d tokens...%n", prompt.documentTokens(), window);
            err.flush();
            GenerationOptions options = GenerationOptions.builder()
                    .maxTokens(maxTokens)
                    .sampler(sampler)
                    .parseSpecial(true) // the template writes control tokens as text
                    .build();
            Completion completion = ctx.complete(prompt.text(), options, piece -> {
                out.print(piece);
                out.flush();
            });
            out.println();
            out.flush();
            report(err, llama, ctx, prompt, completion);
        }
        return 0;
    }

    private String readDocument(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new ParameterException(spec.commandLine(), "no such file: " + path);
        }
        try {
            String text = Files.readString(path);
            if (text.isBlank()) {
                throw new ParameterException(spec.commandLine(), "the file is empty: " + path);
            }
            return text;
        } catch (MalformedInputException e) {
            throw new ParameterException(spec.commandLine(), path + " is not UTF-8 text");
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read " + path + ": " + e.getMessage());
        }
    }

    /** The prompt, its size in tokens, and how many tokens of the text it kept. */
    record Prompt(String text, int tokens, int documentTokens, int droppedTokens) {}

    /** Builds the prompt; truncates the text from its start if asked and needed, else fails clearly. */
    private Prompt fit(String fullText, String ask, String template, Vocabulary vocabulary, int window) {
        String text = fullText.strip(); // as the prompt holds it, so the counts agree
        int[] documentTokens = vocabulary.tokenize(text, false, false);
        int budget = window - maxTokens;
        int kept = documentTokens.length;
        String keptText = text;
        for (int attempt = 0; attempt < 8; attempt++) {
            String prompt = promptText(keptText, ask, template);
            int promptTokens = vocabulary.tokenize(prompt, true, true).length;
            if (promptTokens <= budget) {
                return new Prompt(prompt, promptTokens, kept, documentTokens.length - kept);
            }
            if (!truncate) {
                throw new ParameterException(spec.commandLine(), String.format(
                        "the text does not fit: it is %d tokens, with the question and chat template the prompt is %d;"
                                + " the window is %d tokens and %d are kept for the answer (--max-tokens)."
                                + " Pass --truncate to drop the beginning of the text, or a larger --context-length.",
                        documentTokens.length, promptTokens, window, maxTokens));
            }
            // Token boundaries can move when text is cut and rejoined: shrink by the excess and check again.
            kept = Math.max(0, kept - (promptTokens - budget));
            keptText = vocabulary.detokenize(Arrays.copyOfRange(documentTokens, documentTokens.length - kept,
                    documentTokens.length), false, false);
            if (kept == 0) {
                break;
            }
        }
        throw new ParameterException(spec.commandLine(), "the question alone does not fit a window of " + window
                + " tokens with " + maxTokens + " kept for the answer");
    }

    static String promptText(String document, String question, String template) {
        return ChatSession.applyTemplate(template, List.of(ChatMessage.user(document + "\n\n" + question)), true);
    }

    private void report(PrintWriter err, LlamaModel llama, LlamaContext ctx, Prompt prompt, Completion completion) {
        int window = ctx.contextLength();
        int answer = completion.tokens().length;
        int used = prompt.tokens() + answer;
        if (prompt.droppedTokens() > 0) {
            err.printf("truncated: dropped the first %d of %d text tokens to fit the window%n",
                    prompt.droppedTokens(), prompt.droppedTokens() + prompt.documentTokens());
        }
        err.printf("window: %d tokens (n_ctx)%n", window);
        err.printf("  prompt: %d tokens (text %d, chat template and question %d)%n", prompt.tokens(),
                prompt.documentTokens(), prompt.tokens() - prompt.documentTokens());
        err.printf("  answer: %d tokens (stop: %s)%n", answer, completion.stopReason());
        err.printf("  used:   %d of %d tokens (%.1f%%), %d free%n", used, window, 100.0 * used / window, window - used);
        KvCacheSize kv = KvCacheSize.of(llama, window);
        err.printf("KV cache: %d bytes (%.1f MiB) for %d tokens, computed from the model's dimensions: %s%n",
                kv.bytes(), kv.bytes() / 1048576.0, window, kv.formula());
        err.printf("  the %d tokens used occupy %d bytes of it%n", used, kv.bytesPerToken() * used);
        err.printf("speed: prompt %.1f tokens/s, answer %.1f tokens/s%n",
                completion.timings().promptTokensPerSecond(), completion.timings().tokensPerSecond());
        err.flush();
    }
}
