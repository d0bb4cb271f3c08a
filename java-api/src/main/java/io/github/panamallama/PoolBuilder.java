package io.github.panamallama;

import java.util.Objects;

/**
 * The settings every pool of contexts for one job has ({@link ChatPool}, {@link EmbeddingPool}):
 * its name in messages, compute threads per context, and how many contexts work at once.
 *
 * @param <B> the concrete builder, so the setters chain
 */
abstract class PoolBuilder<B extends PoolBuilder<B>> {
    String name;
    Integer threads;
    int contexts = 1;

    PoolBuilder(String defaultName) {
        this.name = defaultName;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Names the pool, or the component it serves, in error messages; default the class's simple name. */
    public B name(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return self();
    }

    /** Compute threads per context; default {@link ContextOptions#defaultThreads()}. */
    public B threads(int threads) {
        this.threads = threads;
        return self();
    }

    /**
     * How many calls may run at once, each on a context of its own (its memory each); further
     * callers wait. Default 1.
     *
     * @throws IllegalArgumentException if {@code count < 1}
     */
    public B contexts(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("contexts must be >= 1: " + count);
        }
        this.contexts = count;
        return self();
    }

    /** The context options both pools start from: the threads if set. */
    ContextOptions.Builder contextOptions() {
        ContextOptions.Builder options = ContextOptions.builder();
        if (threads != null) {
            options.threads(threads);
        }
        return options;
    }
}
