package io.github.panamallama.springai;

import java.nio.file.Files;
import java.nio.file.Path;

/** The project's tiny-Mistral GGUF (random weights, real SentencePiece tokenizer, no chat template). */
public final class TinyModel {
    private TinyModel() {}

    /**
     * @throws IllegalStateException (failing the test, never skipping it) when the fixture has
     *     not been made
     */
    public static Path path() {
        String home = System.getProperty("panamallama.home");
        if (home == null) {
            throw new IllegalStateException("system property panamallama.home is not set (surefire sets it to the project root)");
        }
        Path file = Path.of(home, "build", "fixtures", "tiny-mistral", "tiny-mistral-f16.gguf");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("the tiny-Mistral fixture " + file + " is missing: the tests module's build"
                    + " makes it, and must run before this module's tests");
        }
        return file;
    }
}
