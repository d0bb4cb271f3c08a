package io.github.panamallama;

import java.nio.file.Path;

/** Loading stopped because the {@link LoadProgressListener} asked to stop. */
public final class ModelLoadCancelledException extends ModelLoadException {
    public ModelLoadCancelledException(Path path, float progress) {
        super(path, "cancelled by the progress listener at " + Math.round(progress * 100) + "%");
    }
}
