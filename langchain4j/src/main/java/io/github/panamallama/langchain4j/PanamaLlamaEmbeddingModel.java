package io.github.panamallama.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.request.EmbeddingInput;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import dev.langchain4j.model.embedding.response.EmbeddingResponseMetadata;
import dev.langchain4j.model.output.TokenUsage;
import io.github.panamallama.EmbeddingPool;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.ModelSource;
import io.github.panamallama.ModelOptions;
import io.github.panamallama.PoolingType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A LangChain4j {@link EmbeddingModel} that runs a GGUF model in this process through
 * llama.cpp: each text is decoded on an embeddings context and its token vectors pooled (mean
 * by default) into one vector of {@link #dimension()} floats, normalised to unit length.
 *
 * <p>A text may have at most {@link Builder#maxSegmentTokens(int)} tokens (split longer
 * documents first, as LangChain4j's document splitters do); a longer one is an
 * {@link IllegalArgumentException} naming its index and length. Text inputs only.
 *
 * <p>Thread-safe in the same way as {@link PanamaLlamaChatModel}: up to
 * {@link Builder#maxConcurrentRequests(int)} contexts (default 1), requests beyond wait.
 * Close it to free the native memory.
 */
public final class PanamaLlamaEmbeddingModel implements EmbeddingModel, AutoCloseable {
    private final ModelSource source;
    private final EmbeddingPool pool;
    private final String modelName;

    private PanamaLlamaEmbeddingModel(Builder b) {
        this.source = ModelSource.of(b.modelPath, b.modelOptions, b.model);
        try {
            this.modelName = b.modelName != null ? b.modelName : source.defaultName();
            this.pool = b.pool.name("PanamaLlamaEmbeddingModel[" + modelName + "]").build(source.model());
        } catch (RuntimeException | Error e) {
            source.close();
            throw e;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Embeds every input. {@link EmbeddingModel#embedAll(List)} and
     * {@link EmbeddingModel#embed(EmbeddingRequest)} route here.
     *
     * @throws IllegalArgumentException for a non-text input or a text over the token limit
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public EmbeddingResponse doEmbed(EmbeddingRequest request) {
        Objects.requireNonNull(request, "request");
        List<String> texts = new ArrayList<>(request.inputs().size());
        for (int i = 0; i < request.inputs().size(); i++) {
            texts.add(text(request.inputs().get(i), i));
        }
        EmbeddingPool.Embedded embedded = pool.embed(texts);
        return EmbeddingResponse.builder()
                .embeddings(embedded.vectors().stream().map(Embedding::from).toList())
                .metadata(EmbeddingResponseMetadata.builder().modelName(modelName).tokenUsage(new TokenUsage(embedded.tokens())).build())
                .build();
    }

    private static String text(EmbeddingInput input, int index) {
        if (input == null) {
            throw new IllegalArgumentException("input " + index + " is null");
        }
        StringBuilder text = new StringBuilder();
        for (Content content : input.contents()) {
            if (!(content instanceof TextContent part)) {
                throw new IllegalArgumentException("input " + index + " has " + content.type()
                        + " content; this embedding model takes text only");
            }
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(part.text());
        }
        return text.toString();
    }

    /** The model's embedding length (n_embd), without embedding anything. */
    @Override
    public int dimension() {
        return pool.dimension();
    }

    @Override
    public String modelName() {
        return modelName;
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    public boolean isClosed() {
        return pool.isClosed();
    }

    /** Frees the contexts, and the model if this embedding model loaded it. Idempotent. */
    @Override
    public void close() {
        pool.close();
        source.close();
    }

    @Override
    public String toString() {
        return "PanamaLlamaEmbeddingModel[" + modelName + (isClosed() ? ", closed]" : "]");
    }

    public static final class Builder {
        private Path modelPath;
        private ModelOptions modelOptions;
        private LlamaModel model;
        private String modelName;
        /** Threads, concurrency, segment length and pooling, checked as they are set. */
        private final EmbeddingPool.Builder pool = EmbeddingPool.builder();

        private Builder() {}

        /** The GGUF file to load; the embedding model closes it when it is closed. */
        public Builder modelPath(Path path) {
            this.modelPath = Objects.requireNonNull(path, "path");
            return this;
        }

        public Builder modelPath(String path) {
            return modelPath(Path.of(Objects.requireNonNull(path, "path")));
        }

        public Builder modelOptions(ModelOptions options) {
            this.modelOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /** A model you loaded and close yourself, e.g. shared with a chat model. */
        public Builder model(LlamaModel model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** The name reported in responses; default the model file's name without {@code .gguf}. */
        public Builder modelName(String name) {
            this.modelName = Objects.requireNonNull(name, "name");
            return this;
        }

        public Builder threads(int threads) {
            pool.threads(threads);
            return this;
        }

        /** How many requests may embed at once, each on a context of its own; default 1. */
        public Builder maxConcurrentRequests(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("maxConcurrentRequests must be >= 1: " + count);
            }
            pool.contexts(count);
            return this;
        }

        /** Most tokens in one text (BOS included); default 512. Sets the context size. */
        public Builder maxSegmentTokens(int tokens) {
            pool.maxSegmentTokens(tokens);
            return this;
        }

        /**
         * How token vectors become one vector; default MEAN (generative models such as Mistral
         * declare none). MODEL_DEFAULT takes the model file's own (embedding models declare one);
         * NONE and RANK are refused.
         */
        public Builder pooling(PoolingType pooling) {
            this.pool.pooling(pooling);
            return this;
        }

        /**
         * Loads the model (if given by path) and checks the settings.
         *
         * @throws IllegalArgumentException for bad settings, naming the setting
         * @throws io.github.panamallama.ModelLoadException if the model does not load
         */
        public PanamaLlamaEmbeddingModel build() {
            return new PanamaLlamaEmbeddingModel(this);
        }
    }
}
