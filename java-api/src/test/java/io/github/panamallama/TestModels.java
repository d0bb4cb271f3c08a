package io.github.panamallama;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.panamallama.convert.MistralConverter;
import io.github.panamallama.convert.OutputType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Where the test models are. */
final class TestModels {
    private TestModels() {}

    static Path home() {
        String home = System.getProperty("panamallama.home");
        return home == null ? Path.of("").toAbsolutePath() : Path.of(home);
    }

    /** A vocabulary-only GGUF from llama.cpp's test data, e.g. {@code llama-spm}. */
    static Path vocab(String name) {
        Path path = home().resolve("build/llama.cpp-v0.5.0/models/ggml-vocab-" + name + ".gguf");
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("missing test vocabulary " + path + ": run scripts/fetch-natives.sh");
        }
        return path;
    }

    static LlamaModel loadVocab(String name) {
        return LlamaModel.load(vocab(name), ModelOptions.builder().vocabOnly(true).build());
    }

    /**
     * The tiny Mistral fixture as F32 GGUF. When only the fixture's checkpoint exists (the tests
     * module generates {@code build/fixtures/tiny-mistral/native}, after this module's tests in
     * a clean build), the project's converter writes the GGUF first. Skips the calling test
     * (JUnit assumption) only while neither exists.
     */
    static synchronized Path tinyMistral() {
        Path fixture = home().resolve("build/fixtures/tiny-mistral");
        Path path = fixture.resolve("tiny-mistral-f32.gguf");
        Path checkpoint = fixture.resolve("native");
        Path weights = checkpoint.resolve("consolidated.00.pth");
        if (Files.isRegularFile(weights) && !upToDate(path, weights)) {
            try {
                Path partial = Files.createTempFile(fixture, "tiny-mistral-f32", ".partial");
                MistralConverter.builder().outputType(OutputType.F32).build().convert(checkpoint, partial);
                Files.move(partial, path, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("converting the tiny Mistral fixture", e);
            }
        }
        assumeTrue(Files.isRegularFile(path), "tiny Mistral fixture not built yet: " + path);
        return path;
    }

    /** Whether {@code derived} exists and is not older than {@code source}. */
    private static boolean upToDate(Path derived, Path source) {
        try {
            return Files.isRegularFile(derived)
                    && Files.getLastModifiedTime(derived).compareTo(Files.getLastModifiedTime(source)) >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** A small llama-architecture model with deterministic pseudo-random weights (see TinyLlamaFile). */
    static synchronized Path tinyLlama() {
        return TinyLlamaFile.get();
    }
}
