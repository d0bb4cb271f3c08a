package io.github.panamallama.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The models the benchmarks run on, inside the checkout named by {@code panamallama.home}: the
 * tiny-Mistral F16 fixture (vocabulary 2000) that the tests module's build makes, and the same
 * model with a 32000-token vocabulary ({@link WideVocabularyModel}), made on first use.
 */
public final class BenchmarkModels {
    /** The fixture's vocabulary size. */
    public static final int FIXTURE_VOCABULARY = 2000;
    /** Mistral 7B's (and Llama 2's) vocabulary size. */
    public static final int MISTRAL_VOCABULARY = 32000;

    private BenchmarkModels() {}

    public static Path home() {
        String home = System.getProperty("panamallama.home");
        if (home == null) {
            throw new IllegalStateException("panamallama.home is not set: run through scripts/benchmark.sh,"
                    + " or pass -Dpanamallama.home=<checkout>");
        }
        return Path.of(home);
    }

    /** The tiny-Mistral F16 fixture. */
    public static Path tinyMistral() {
        Path model = home().resolve("build/fixtures/tiny-mistral/tiny-mistral-f16.gguf");
        if (!Files.isRegularFile(model)) {
            throw new IllegalStateException(model + " does not exist: build the checkout first (./mvnw verify -DskipTests)");
        }
        return model;
    }

    /** The fixture with a vocabulary of {@code vocabulary} tokens: 2000 (itself) or 32000. */
    public static Path withVocabulary(int vocabulary) {
        return switch (vocabulary) {
            case FIXTURE_VOCABULARY -> tinyMistral();
            case MISTRAL_VOCABULARY -> wideVocabulary();
            default -> throw new IllegalArgumentException("no benchmark model with a vocabulary of " + vocabulary
                    + " (" + FIXTURE_VOCABULARY + " or " + MISTRAL_VOCABULARY + ")");
        };
    }

    /** The 32000-token variant under {@code build/benchmarks/}, written when absent or older than its inputs. */
    public static synchronized Path wideVocabulary() {
        Path source = home().resolve("build/llama.cpp-v0.5.0/models/ggml-vocab-llama-spm.gguf");
        if (!Files.isRegularFile(source)) {
            throw new IllegalStateException(source + " does not exist: scripts/fetch-natives.sh unpacks it");
        }
        Path fixture = tinyMistral();
        Path model = home().resolve("build/benchmarks/tiny-mistral-vocab32000-f16.gguf");
        try {
            if (!Files.isRegularFile(model) || isOlder(model, fixture) || isOlder(model, source)) {
                Files.createDirectories(model.getParent());
                WideVocabularyModel.write(fixture, source, model);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + model, e);
        }
        return model;
    }

    private static boolean isOlder(Path file, Path than) throws IOException {
        return Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(than)) < 0;
    }
}
