package io.github.panamallama;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

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
     * The tiny Mistral fixture converted by the project's converter. Skips the calling test
     * (JUnit assumption) only while the fixture has not been built.
     */
    static Path tinyMistral() {
        Path path = home().resolve("build/fixtures/tiny-mistral/tiny-mistral-f32.gguf");
        assumeTrue(Files.isRegularFile(path), "tiny Mistral fixture not built yet: " + path);
        return path;
    }

    /** A small llama-architecture model with deterministic pseudo-random weights (see TinyLlamaFile). */
    static synchronized Path tinyLlama() {
        return TinyLlamaFile.get();
    }
}
