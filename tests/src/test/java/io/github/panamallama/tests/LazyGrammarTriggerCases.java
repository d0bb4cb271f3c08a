package io.github.panamallama.tests;

import io.github.panamallama.Completion;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.Sampler;
import io.github.panamallama.SamplingSettings;
import io.github.panamallama.tests.forked.ForkedCases;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The lazy-grammar inputs that used to end the process, and valid triggers, run in a child JVM
 * by {@link LazyGrammarTriggerSafetyTest}. Argument: the tiny-Mistral F16 fixture.
 */
public final class LazyGrammarTriggerCases implements ForkedCases {
    static final String PROMPT = "The quick brown fox";

    @Override
    public Map<String, Callable<String>> cases(List<String> arguments) {
        LlamaModel model = LlamaModel.load(Path.of(arguments.getFirst()));
        Map<String, Callable<String>> cases = new LinkedHashMap<>();
        // Each of these was a pattern std::regex rejects (regex_error -> abort) when passed raw;
        // as a word it is matched literally.
        cases.put("regex metacharacters as a word", () -> generate(model,
                lazy(model, "root ::= \"(a[b\\\\c{2,}*+?|^$./-\" [0-9]", List.of("(a[b\\c{2,}*+?|^$./-"), new int[0]), 8)
                .text());
        cases.put("word the grammar rejects", () -> build(model, "root ::= \"x\" [0-9]", List.of("Hello"), new int[0]));
        cases.put("word longer than the grammar", () -> build(model, "root ::= \"ab\"", List.of("abc"), new int[0]));
        cases.put("word through SamplingSettings", () -> {
            try (Sampler s = SamplingSettings.builder().temperature(0).grammar("root ::= \"call\" [0-9]")
                    .grammarTrigger("Hello").build().newSampler(model)) {
                return s.stages().toString();
            }
        });
        cases.put("word with NUL", () -> build(model, "root ::= \"a\"", List.of("a\0b"), new int[0]));
        int quick = model.vocabulary().tokenize("quick", false, false)[0];
        cases.put("token the grammar rejects", () -> build(model, "root ::= \"x\" [0-9]", List.of(), new int[] {quick}));
        int eos = model.vocabulary().eos().orElseThrow();
        cases.put("end-of-generation token", () -> build(model, "root ::= \"</s>\"", List.of(), new int[] {eos}));
        cases.put("free reply", () -> freeReply(model));
        cases.put("valid token trigger", () -> triggered(model, true));
        cases.put("valid word trigger", () -> triggered(model, false));
        return cases;
    }

    private static Sampler lazy(LlamaModel model, String gbnf, List<String> words, int[] tokens) {
        return Sampler.builder(model).lazyGrammar(gbnf, "root", words, tokens).greedy().build();
    }

    private static String build(LlamaModel model, String gbnf, List<String> words, int[] tokens) {
        try (Sampler sampler = lazy(model, gbnf, words, tokens)) {
            return sampler.stages().toString();
        }
    }

    private static Completion generate(LlamaModel model, Sampler sampler, int maxTokens) {
        try (sampler; LlamaContext context = model.newContext(ContextOptions.builder().contextLength(256).build())) {
            return context.complete(PROMPT, GenerationOptions.builder().maxTokens(maxTokens).sampler(sampler).build());
        }
    }

    private static String freeReply(LlamaModel model) {
        return generate(model, Sampler.greedy(model), 24).text();
    }

    /**
     * The free greedy reply up to a trigger it contains (a token from the fourth on whose text
     * appears there first), then exactly what the grammar allows after it: three digits.
     * Returns "PREFIX|REST" for the parent to check.
     */
    private static String triggered(LlamaModel model, boolean byToken) {
        Completion free = generate(model, Sampler.greedy(model), 24);
        StringBuilder sofar = new StringBuilder();
        for (int i = 0; i < free.tokens().length; i++) {
            int token = free.tokens()[i];
            String piece = model.vocabulary().tokenPiece(token);
            sofar.append(piece);
            boolean plain = piece.strip().length() >= 2 && piece.chars().allMatch(c -> Character.isLetter(c) || c == ' ');
            if (i >= 3 && plain && sofar.indexOf(piece) == sofar.length() - piece.length()) {
                String gbnf = "root ::= \"" + piece + "\" [0-9] [0-9] [0-9]";
                Sampler sampler = byToken ? lazy(model, gbnf, List.of(), new int[] {token})
                        : lazy(model, gbnf, List.of(piece), new int[0]);
                String text = generate(model, sampler, 40).text();
                return sofar + "|" + (text.startsWith(sofar.toString()) ? text.substring(sofar.length()) : "NOT FREE UNTIL THE TRIGGER: " + text);
            }
        }
        throw new IllegalStateException("no trigger candidate in the free reply: " + free.text());
    }
}
