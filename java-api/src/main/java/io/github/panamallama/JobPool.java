package io.github.panamallama;

/**
 * What {@link ChatPool} and {@link EmbeddingPool} share: a named {@link ContextPool} over one
 * model, made with its first context so that settings llama.cpp refuses fail at build time.
 */
abstract sealed class JobPool implements AutoCloseable permits ChatPool, EmbeddingPool {
    final LlamaModel model;
    final ContextPool contexts;
    final String name;

    JobPool(PoolBuilder<?> settings, LlamaModel model, ContextOptions options) {
        this.model = model;
        this.name = settings.name;
        this.contexts = new ContextPool(model, options, settings.contexts, name);
        try {
            contexts.withContext(context -> null); // refused settings fail here, and the first call starts at once
        } catch (RuntimeException | Error e) {
            contexts.close();
            throw e;
        }
    }

    public LlamaModel model() {
        return model;
    }

    /** The pool's name, as error messages say it. */
    public String name() {
        return name;
    }

    public boolean isClosed() {
        return contexts.isClosed();
    }

    /** Ends running calls within a token and frees the contexts; the model stays open. Idempotent. */
    @Override
    public void close() {
        contexts.close();
    }

    @Override
    public String toString() {
        return name + (isClosed() ? " (closed)" : "");
    }
}
