package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The tiny-Mistral model files the build makes (tests module, before the tests run). */
final class TestFixtures {
    private TestFixtures() {}

    static Path directory() {
        return NativeToolchain.home().resolve("build").resolve("fixtures").resolve("tiny-mistral");
    }

    /** The converted F16 GGUF: the examples' built-in default model. */
    static Path tinyMistralF16() {
        Path model = directory().resolve("tiny-mistral-f16.gguf");
        assertTrue(Files.isRegularFile(model), "the build did not make " + model);
        return model;
    }

    /** The Q4_0 quantization: the smallest file, for the mutation campaign. */
    static Path tinyMistralQ4() {
        Path model = directory().resolve("tiny-mistral-q4_0.gguf");
        assertTrue(Files.isRegularFile(model), "the build did not make " + model);
        return model;
    }
}
