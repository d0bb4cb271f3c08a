package io.github.panamallama;

import io.github.panamallama.fixture.TinyLlamaGguf;
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

    /** A small llama-architecture model with deterministic pseudo-random weights (see TinyLlamaGguf). */
    static synchronized Path tinyLlama() {
        return TinyLlamaGguf.get();
    }
}
