package io.github.panamallama.convert;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** How a model directory is laid out, which decides file names and tensor names. */
public enum CheckpointLayout {
    /** Mistral's release: {@code params.json}, {@code consolidated.00.pth}, {@code tokenizer.model}. */
    NATIVE,
    /**
     * Hugging Face transformers: {@code config.json}, {@code model.safetensors} or shards with
     * {@code model.safetensors.index.json}, {@code tokenizer.model}. Q and K rows are stored in
     * HF's rotary order and are put back into Meta's order on conversion.
     */
    HUGGING_FACE;

    /** The layout of a directory, judged by its configuration file. */
    public static Optional<CheckpointLayout> detect(Path directory) {
        if (Files.isRegularFile(directory.resolve("params.json"))) {
            return Optional.of(NATIVE);
        }
        if (Files.isRegularFile(directory.resolve("config.json"))) {
            return Optional.of(HUGGING_FACE);
        }
        return Optional.empty();
    }
}
