package io.github.panamallama.examples;

import io.github.panamallama.LoadProgressListener;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code --model}, shared by every example. Without it the programs run on the built-in
 * tiny-Mistral fixture that the build makes (Mistral 7B v0.2's architecture and metadata at a
 * few MB, random weights: it runs everything, but its text is gibberish).
 */
public final class ModelOption {
    /** Where the build leaves the built-in model, relative to the panama-llama checkout. */
    static final Path BUILT_IN = Path.of("build", "fixtures", "tiny-mistral", "tiny-mistral-f16.gguf");
    /** Loads quicker than this show no progress bar. */
    static final Duration LOAD_QUIET_PERIOD = Duration.ofSeconds(1);

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "GGUF",
            description = "Model file, e.g. a Mistral 7B v0.2 GGUF (default: the built-in tiny-Mistral test model).")
    Path model;

    /** The model to load, telling the user when it is the built-in one. */
    public Path resolve() {
        if (model != null) {
            if (!Files.isRegularFile(model)) {
                throw new ParameterException(spec.commandLine(), "--model: no such file: " + model);
            }
            return model;
        }
        Path builtIn = builtInModel();
        if (!Files.isRegularFile(builtIn)) {
            throw new ParameterException(spec.commandLine(), "no --model given and the built-in model " + builtIn
                    + " is missing: build it with ./mvnw install -DskipTests, or pass --model");
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("note: no --model given: using the built-in tiny-Mistral test model " + builtIn
                + " (random weights, so its text is gibberish; pass --model for a real Mistral 7B v0.2 GGUF)");
        err.flush();
        return builtIn;
    }

    /**
     * A progress bar on the terminal for loading a model, shown only when the load takes more
     * than a moment (a 7B model from a cold disk takes a while; the built-in one never does).
     */
    public static LoadProgressListener loadProgress() {
        return TerminalProgressBar.forConsole(LOAD_QUIET_PERIOD);
    }

    public static Path builtInModel() {
        String home = System.getProperty("panamallama.home", System.getenv().getOrDefault("PANAMA_LLAMA_HOME", "."));
        return Path.of(home).resolve(BUILT_IN).toAbsolutePath().normalize();
    }
}
