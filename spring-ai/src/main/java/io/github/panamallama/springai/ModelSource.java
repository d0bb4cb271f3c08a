package io.github.panamallama.springai;

import io.github.panamallama.LlamaModel;
import io.github.panamallama.ModelOptions;
import java.nio.file.Path;
import java.util.Objects;

/** The model a Spring AI model runs on: loaded by it (and closed with it) or lent by the caller. */
final class ModelSource implements AutoCloseable {
    private final LlamaModel model;
    private final boolean owned;

    private ModelSource(LlamaModel model, boolean owned) {
        this.model = model;
        this.owned = owned;
    }

    /** @throws IllegalArgumentException unless exactly one of {@code path} and {@code lent} is set */
    static ModelSource of(Path path, ModelOptions options, LlamaModel lent) {
        if ((path == null) == (lent == null)) {
            throw new IllegalArgumentException("set exactly one of modelPath(...) and model(...)"
                    + (path == null ? "; neither is set" : "; both are set"));
        }
        if (lent != null) {
            if (lent.isClosed()) {
                throw new IllegalArgumentException("the LlamaModel passed to model(...) is closed");
            }
            return new ModelSource(lent, false);
        }
        return new ModelSource(LlamaModel.load(path, Objects.requireNonNullElse(options, ModelOptions.defaults())), true);
    }

    LlamaModel model() {
        return model;
    }

    /** The model's name in responses: its file name without {@code .gguf}. */
    String defaultName() {
        return nameOf(model.path());
    }

    static String nameOf(Path path) {
        String file = path.getFileName().toString();
        return file.endsWith(".gguf") ? file.substring(0, file.length() - ".gguf".length()) : file;
    }

    /** Closes the model if it was loaded here; a lent model stays open for its owner. */
    @Override
    public void close() {
        if (owned) {
            model.close();
        }
    }
}
