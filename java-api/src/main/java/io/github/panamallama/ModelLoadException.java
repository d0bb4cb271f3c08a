package io.github.panamallama;

import java.nio.file.Path;

/** A model file could not be loaded; the message names the file and the reason. */
public class ModelLoadException extends LlamaException {
    private final Path path;
    private final String reason;

    public ModelLoadException(Path path, String reason) {
        this(path, reason, null);
    }

    public ModelLoadException(Path path, String reason, Throwable cause) {
        super("Cannot load model " + path + ": " + reason, cause);
        this.path = path;
        this.reason = reason;
    }

    /** The file that failed to load. */
    public Path path() {
        return path;
    }

    /** Why, without the path. */
    public String reason() {
        return reason;
    }
}
