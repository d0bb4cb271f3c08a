package io.github.panamallama;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Whole texts to unit-length embeddings from any number of threads: a {@link ContextPool} of
 * embedding contexts over one model, each text tokenized once, decoded alone in one batch and
 * its token vectors pooled (mean by default, as generative models such as Mistral declare
 * none). The LangChain4j and Spring AI embedding models run on it.
 *
 * <p>A text may have at most {@link Builder#maxSegmentTokens(int)} tokens, since it is decoded
 * in one physical batch; a longer one is an {@link IllegalArgumentException} naming its index
 * and length (split long documents first). Up to {@link Builder#contexts(int)} calls embed at
 * once; further callers wait. Closing the pool frees its contexts; the model stays open.
 */
public final class EmbeddingPool extends JobPool {
    /** Tokens per text unless {@link Builder#maxSegmentTokens(int)} says otherwise. */
    public static final int DEFAULT_MAX_SEGMENT_TOKENS = 512;

    /**
     * One call's vectors, in the order of its texts, and the tokens they took.
     *
     * @param vectors one unit-length vector of {@link EmbeddingPool#dimension()} floats per text
     * @param tokens the texts' tokens together (beginning-of-sequence tokens included)
     */
    public record Embedded(List<float[]> vectors, int tokens) {
        public Embedded {
            vectors = List.copyOf(vectors);
        }
    }

    private final int dimension;

    private EmbeddingPool(Builder b, LlamaModel model) {
        // Each text is computed in one decode: the whole text must fit one physical batch.
        super(b, model, b.contextOptions().embeddings(true).pooling(b.pooling)
                .contextLength(b.maxSegmentTokens).batchSize(b.maxSegmentTokens).ubatchSize(b.maxSegmentTokens).build());
        this.dimension = model.embeddingLength();
    }

    /** Settings for a pool: one context, mean pooling and 512-token texts until told otherwise. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Embeds every text, on one context for the whole call.
     *
     * @throws IllegalArgumentException for a null text or one over
     *     {@link Builder#maxSegmentTokens(int)} tokens, naming its index; nothing is embedded then
     * @throws IllegalStateException if the pool is or gets closed
     */
    public Embedded embed(List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        return contexts.withContext(context -> {
            // Tokenized and checked first, all of them: one bad text costs no decoding.
            List<int[]> tokenized = new ArrayList<>(texts.size());
            int total = 0;
            for (int i = 0; i < texts.size(); i++) {
                String text = texts.get(i);
                if (text == null) {
                    throw new IllegalArgumentException("input " + i + " is null");
                }
                int[] tokens = context.model().vocabulary().tokenize(text);
                if (tokens.length > context.ubatchSize()) {
                    throw new IllegalArgumentException("input " + i + " is " + tokens.length + " tokens; " + name
                            + " takes at most " + context.ubatchSize() + " (maxSegmentTokens): split the text");
                }
                tokenized.add(tokens);
                total += tokens.length;
            }
            List<float[]> vectors = new ArrayList<>(texts.size());
            for (int[] tokens : tokenized) {
                try {
                    vectors.add(context.embed(tokens));
                } catch (DecodeAbortedException e) {
                    // Only close() aborts these contexts.
                    throw new IllegalStateException(name + " was closed while embedding", e);
                }
            }
            return new Embedded(vectors, total);
        });
    }

    /** The model's embedding length (n_embd), without embedding anything. */
    public int dimension() {
        return dimension;
    }

    /** A pool's settings, each checked as it is set; {@link #build(LlamaModel)} makes pools of them. */
    public static final class Builder extends PoolBuilder<Builder> {
        private int maxSegmentTokens = DEFAULT_MAX_SEGMENT_TOKENS;
        private PoolingType pooling = PoolingType.MEAN;

        private Builder() {
            super("EmbeddingPool");
        }

        /**
         * Most tokens in one text (beginning-of-sequence included); default 512. Sets the contexts' size.
         *
         * @throws IllegalArgumentException if {@code tokens < 1}
         */
        public Builder maxSegmentTokens(int tokens) {
            if (tokens < 1) {
                throw new IllegalArgumentException("maxSegmentTokens must be >= 1: " + tokens);
            }
            this.maxSegmentTokens = tokens;
            return this;
        }

        /**
         * How token vectors become one vector; default MEAN. MODEL_DEFAULT takes the model
         * file's own (embedding models declare one).
         *
         * @throws IllegalArgumentException for NONE and RANK, which give no single vector
         */
        public Builder pooling(PoolingType pooling) {
            if (Objects.requireNonNull(pooling, "pooling") == PoolingType.NONE || pooling == PoolingType.RANK) {
                throw new IllegalArgumentException("pooling must give one vector per text (MEAN, CLS, LAST or "
                        + "MODEL_DEFAULT): " + pooling);
            }
            this.pooling = pooling;
            return this;
        }

        /**
         * A pool over {@code model}; creates its first context, so that settings llama.cpp
         * refuses fail here.
         *
         * @throws IllegalStateException if the model is closed
         */
        public EmbeddingPool build(LlamaModel model) {
            return new EmbeddingPool(this, Objects.requireNonNull(model, "model"));
        }
    }
}
