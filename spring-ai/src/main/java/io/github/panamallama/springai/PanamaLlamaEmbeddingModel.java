package io.github.panamallama.springai;

import io.github.panamallama.EmbeddingPool;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.ModelOptions;
import io.github.panamallama.ModelSource;
import io.github.panamallama.PoolingType;
import io.micrometer.observation.ObservationRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.AbstractEmbeddingModel;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.embedding.EmbeddingResponseMetadata;
import org.springframework.ai.embedding.observation.DefaultEmbeddingModelObservationConvention;
import org.springframework.ai.embedding.observation.EmbeddingModelObservationContext;
import org.springframework.ai.embedding.observation.EmbeddingModelObservationConvention;
import org.springframework.ai.embedding.observation.EmbeddingModelObservationDocumentation;

/**
 * A Spring AI {@link EmbeddingModel} that runs a GGUF model in this process through llama.cpp:
 * each text is decoded on an embeddings context and its token vectors pooled (mean by default)
 * into one vector of {@link #dimensions()} floats, normalised to unit length. Each call is
 * observed as Spring AI's {@code EMBEDDING_MODEL_OPERATION} (provider
 * {@value PanamaLlamaChatModel#PROVIDER}).
 *
 * <p>A text may have at most {@link Builder#maxSegmentTokens(int)} tokens (split longer
 * documents first, as Spring AI's {@code TokenTextSplitter} does); a longer one is an
 * {@link IllegalArgumentException} naming its index and length. The request's options may name
 * this model but cannot change the dimensions.
 *
 * <p>Thread-safe: up to {@link Builder#poolSize(int)} requests embed at once. Close it to free
 * the native memory.
 */
public final class PanamaLlamaEmbeddingModel extends AbstractEmbeddingModel implements AutoCloseable {
    private static final EmbeddingModelObservationConvention DEFAULT_CONVENTION =
            new DefaultEmbeddingModelObservationConvention();

    private final ModelSource source;
    private final EmbeddingPool pool;
    private final String modelName;
    private final ObservationRegistry observationRegistry;
    private EmbeddingModelObservationConvention observationConvention = DEFAULT_CONVENTION;

    private PanamaLlamaEmbeddingModel(Builder b) {
        this.observationRegistry = b.observationRegistry;
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
     * @throws IllegalArgumentException for no texts, a text over the token limit, another
     *     model's name or other dimensions in the options
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public EmbeddingResponse call(EmbeddingRequest request) {
        Objects.requireNonNull(request, "request");
        List<String> texts = request.getInstructions();
        if (texts == null || texts.isEmpty()) {
            throw new IllegalArgumentException("the embedding request has no texts");
        }
        if (request.getOptions() != null) {
            String model = request.getOptions().getModel();
            if (model != null && !model.equals(modelName)) {
                throw new IllegalArgumentException("the request asks for model \"" + model
                        + "\"; this embedding model serves only \"" + modelName + "\"");
            }
            Integer wanted = request.getOptions().getDimensions();
            if (wanted != null && wanted != dimensions()) {
                throw new IllegalArgumentException("the request asks for " + wanted + " dimensions; \"" + modelName
                        + "\" embeds into " + dimensions());
            }
        }
        EmbeddingModelObservationContext context = EmbeddingModelObservationContext.builder()
                .embeddingRequest(request).provider(PanamaLlamaChatModel.PROVIDER).build();
        return EmbeddingModelObservationDocumentation.EMBEDDING_MODEL_OPERATION
                .observation(observationConvention, DEFAULT_CONVENTION, () -> context, observationRegistry)
                .observe(() -> {
                    EmbeddingResponse response = embedTexts(texts);
                    context.setResponse(response);
                    return response;
                });
    }

    private EmbeddingResponse embedTexts(List<String> texts) {
        EmbeddingPool.Embedded embedded = pool.embed(texts);
        List<Embedding> embeddings = new ArrayList<>(texts.size());
        for (float[] vector : embedded.vectors()) {
            embeddings.add(new Embedding(vector, embeddings.size()));
        }
        return new EmbeddingResponse(embeddings, new EmbeddingResponseMetadata(modelName, new DefaultUsage(embedded.tokens(), 0)));
    }

    @Override
    public float[] embed(Document document) {
        Objects.requireNonNull(document, "document");
        return embed(getEmbeddingContent(document));
    }

    /** The model's embedding length (n_embd), without embedding anything. */
    @Override
    public int dimensions() {
        return pool.dimension();
    }

    public String modelName() {
        return modelName;
    }

    /** Replaces the default observation convention (Spring AI's {@code DefaultEmbeddingModelObservationConvention}). */
    public void setObservationConvention(EmbeddingModelObservationConvention convention) {
        this.observationConvention = Objects.requireNonNull(convention, "convention");
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

    /** Builds a {@link PanamaLlamaEmbeddingModel}; set exactly one of {@link #modelPath} and {@link #model}. */
    public static final class Builder {
        private Path modelPath;
        private ModelOptions modelOptions;
        private LlamaModel model;
        private String modelName;
        /** Threads, pool size, segment length and pooling, checked as they are set. */
        private final EmbeddingPool.Builder pool = EmbeddingPool.builder();
        private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

        private Builder() {}

        /** The GGUF file to load; the embedding model closes it when it is closed. */
        public Builder modelPath(Path path) {
            this.modelPath = Objects.requireNonNull(path, "path");
            return this;
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
        public Builder poolSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("poolSize must be >= 1: " + size);
            }
            pool.contexts(size);
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
            pool.pooling(pooling);
            return this;
        }

        /** Where observations go; default none ({@link ObservationRegistry#NOOP}). */
        public Builder observationRegistry(ObservationRegistry registry) {
            this.observationRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Loads the model (if given by path), checks the settings and makes the first context.
         *
         * @throws IllegalArgumentException for bad settings, naming the setting
         * @throws io.github.panamallama.ModelLoadException if the model does not load
         */
        public PanamaLlamaEmbeddingModel build() {
            return new PanamaLlamaEmbeddingModel(this);
        }
    }
}
