package io.github.panamallama;

import java.nio.charset.StandardCharsets;

/**
 * Behind {@link LlamaContext#embed(String)}: tokenizes a text, decodes it alone in sequence 0
 * and returns its pooled embedding scaled to unit length. Runs inside the context's guard.
 */
final class TextEmbedder {
    private final ContextCore core;
    private final ContextMemory memory;

    TextEmbedder(ContextCore core, ContextMemory memory) {
        this.core = core;
        this.memory = memory;
    }

    float[] embed(String text) {
        core.requireEmbeddings();
        if (core.pooling() == PoolingType.NONE) {
            throw new IllegalStateException("embed needs a pooling type other than NONE (ContextOptions.pooling)");
        }
        return embed(core.model().heldVocabulary().tokenizeUtf8(text.getBytes(StandardCharsets.UTF_8), true, false));
    }

    float[] embed(int[] tokens) {
        core.requireEmbeddings();
        if (core.pooling() == PoolingType.NONE) {
            throw new IllegalStateException("embed needs a pooling type other than NONE (ContextOptions.pooling)");
        }
        if (tokens.length == 0) {
            throw new IllegalArgumentException("the text gives no tokens");
        }
        if (tokens.length > core.ubatchSize()) {
            throw new IllegalArgumentException("the text is " + tokens.length + " tokens; embeddings take at most "
                    + core.ubatchSize() + " (the context's ubatchSize)");
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= core.vocabularySize()) {
                throw new IllegalArgumentException("token " + i + " = " + tokens[i] + " is not a token id");
            }
        }
        memory.keepPrefix(0);
        try (Batch batch = new Batch(tokens.length)) {
            for (int i = 0; i < tokens.length; i++) {
                batch.add(tokens[i], i, true);
            }
            core.decode(batch);
        }
        return normalised(core.sequenceEmbeddings(0));
    }

    private static float[] normalised(float[] vector) {
        double norm = 0;
        for (float v : vector) {
            norm += (double) v * v;
        }
        norm = Math.sqrt(norm);
        if (norm > 0) {
            for (int i = 0; i < vector.length; i++) {
                vector[i] = (float) (vector[i] / norm);
            }
        }
        return vector;
    }
}
