package io.github.panamallama.tests;

import io.github.panamallama.Completion;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.LlamaRuntime;
import io.github.panamallama.NativeLibrary;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What an application does with panama-llama and a natives jar, run by {@link BundledNativesTest}
 * in JVMs of its own: says which panama-llama settings it sees (none, in most tests), loads the
 * library, then tokenizes and generates with the model given.
 *
 * <p>Arguments: {@code MODEL [--gate FILE] [--pause]}. {@code --gate} waits for FILE to exist
 * before loading (so that several JVMs start loading at the same moment); {@code --pause}
 * generates once more after a line arrives on stdin.
 */
public final class BundledNativesProbe {
    private BundledNativesProbe() {}

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        List<String> options = List.of(args).subList(1, args.length);
        System.out.println("settings: " + settings());
        if (options.contains("--gate")) {
            Path gate = Path.of(options.get(options.indexOf("--gate") + 1));
            while (!Files.exists(gate)) {
                Thread.sleep(2);
            }
        }
        NativeLibrary library = LlamaRuntime.get().library();
        System.out.println("source: " + library.source());
        System.out.println("directory: " + library.directory());
        try (LlamaModel llama = LlamaModel.load(model)) {
            System.out.println("tokens: " + llama.vocabulary().tokenize("Hello world", true, false).length);
            System.out.println("generated: " + generate(llama));
            if (options.contains("--pause")) {
                System.out.println("paused");
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                System.out.println("generated again: " + generate(llama));
            }
        }
    }

    static String generate(LlamaModel llama) {
        try (LlamaContext context = llama.newContext(ContextOptions.builder().contextLength(128).threads(1).build())) {
            Completion completion = context.complete("Once upon a time", GenerationOptions.builder().maxTokens(8).build());
            return completion.tokens().length + " tokens " + completion.text().replaceAll("\\s", "_");
        }
    }

    /** Every panamallama.* system property and PANAMA_LLAMA_* variable this JVM has, or "none". */
    private static String settings() {
        List<String> found = new ArrayList<>();
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("panamallama.")).sorted().forEach(found::add);
        System.getenv().keySet().stream().filter(name -> name.startsWith("PANAMA_LLAMA_")).sorted().forEach(found::add);
        return found.isEmpty() ? "none" : String.join(",", found);
    }
}
