package io.github.panamallama;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The model a component built on this library runs on (the LangChain4j and Spring AI models,
 * or your own integration): either loaded by it from a path, and closed with it, or lent by its
 * caller, who keeps it open for others and closes it. Builders that offer both a
 * {@code modelPath(...)} and a {@code model(...)} setting resolve them with {@link #of}.
 */
public final class ModelSource implements AutoCloseable {
    private final LlamaModel model;
    private final boolean owned;

    private ModelSource(LlamaModel model, boolean owned) {
        this.model = model;
        this.owned = owned;
    }

    /**
     * Loads {@code path} (with {@code options}, or the defaults when null) or takes {@code lent}:
     * exactly one of them must be set.
     *
     * @throws IllegalArgumentException if both or neither are set, or {@code lent} is closed,
     *     naming the builder settings {@code modelPath(...)} and {@code model(...)}
     * @throws ModelLoadException if the file does not load
     */
    public static ModelSource of(Path path, ModelOptions options, LlamaModel lent) {
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

    public LlamaModel model() {
        return model;
    }

    /** The model's name where none is given: its file name without {@code .gguf}. */
    public String defaultName() {
        String file = model.path().getFileName().toString();
        return file.endsWith(".gguf") ? file.substring(0, file.length() - ".gguf".length()) : file;
    }

    /** Closes the model if it was loaded here; a lent model stays open for its owner. Idempotent. */
    @Override
    public void close() {
        if (owned) {
            model.close();
        }
    }
}
