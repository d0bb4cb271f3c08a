package example.consumer;

import io.github.panamallama.Completion;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.LlamaRuntime;
import io.github.panamallama.NativeLibrary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Loads the GGUF model named on the command line, completes a prompt with the default settings
 * (greedy, up to {@link GenerationOptions#defaults()}' token limit) and checks what came back.
 * Exit code 0 when every check holds, 1 when one fails, 2 for a wrong command line.
 */
public final class Main {
    private static final String PROMPT = "The quick brown fox";

    private Main() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: example.consumer.Main MODEL.gguf");
            System.exit(2);
        }
        GenerationOptions options = GenerationOptions.defaults();
        Completion first;
        Completion second;
        try (LlamaModel model = LlamaModel.load(Path.of(args[0]))) {
            first = complete(model, options);
            second = complete(model, options);
        }
        NativeLibrary library = LlamaRuntime.get().library();
        Module module = Main.class.getModule();
        System.out.println("running as: " + (module.isNamed() ? "module " + module.getName() : "class path"));
        System.out.println("llama.cpp " + library.version() + " (" + library.source() + ")");
        System.out.println("library directory: " + library.directory());
        System.out.println("stop reason: " + first.stopReason());
        System.out.println("tokens (" + first.tokens().length + "): "
                + Arrays.stream(first.tokens()).mapToObj(Integer::toString).collect(Collectors.joining(" ")));

        List<String> problems = check(first, second, options.maxTokens());
        problems.forEach(problem -> System.err.println("FAILED: " + problem));
        System.exit(problems.isEmpty() ? 0 : 1);
    }

    /** One completion in a fresh context, so that both start from the same empty state. */
    private static Completion complete(LlamaModel model, GenerationOptions options) {
        try (LlamaContext context = model.newContext(ContextOptions.defaults())) {
            return context.complete(PROMPT, options);
        }
    }

    private static List<String> check(Completion first, Completion second, int maxTokens) {
        List<String> problems = new ArrayList<>();
        int count = first.tokens().length;
        if (count == 0 || first.text().isEmpty()) {
            problems.add("nothing was generated: " + count + " tokens, text \"" + first.text() + "\"");
        }
        switch (first.stopReason()) {
            case MAX_TOKENS -> {
                if (count != maxTokens) {
                    problems.add("stopped at the token limit " + maxTokens + " after " + count + " tokens");
                }
            }
            case EOS -> {
                if (count >= maxTokens) {
                    problems.add("ended by the model after " + count + " tokens, beyond the limit " + maxTokens);
                }
            }
            default -> problems.add("unexpected stop reason " + first.stopReason() + " with no stop strings set");
        }
        // The default sampler is greedy: the same prompt must give the same tokens again.
        if (!Arrays.equals(first.tokens(), second.tokens())) {
            problems.add("greedy generation differed between two runs: " + Arrays.toString(first.tokens())
                    + " vs " + Arrays.toString(second.tokens()));
        }
        return problems;
    }
}
