package io.github.panamallama.benchmarks;

import io.github.panamallama.Batch;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import java.util.Arrays;

/**
 * A model, a context on it and a prompt of {@link #PROMPT_TOKENS} tokens already decoded (logits
 * for its last token): the state a generation loop is in between two tokens.
 */
final class PromptedContext implements AutoCloseable {
    static final int PROMPT_TOKENS = 64;

    final LlamaModel model;
    final LlamaContext context;

    PromptedContext(int vocabularySize, int threads) {
        model = LlamaModel.load(BenchmarkModels.withVocabulary(vocabularySize));
        try {
            context = LlamaContext.create(model, ContextOptions.builder()
                    .contextLength(512).batchSize(PROMPT_TOKENS).threads(threads).build());
            int[] prompt = Arrays.copyOf(model.vocabulary().tokenize(BenchmarkText.ofUtf8Bytes(4096)), PROMPT_TOKENS);
            try (Batch batch = new Batch(PROMPT_TOKENS)) {
                context.decode(batch.addSequence(prompt, 0, 0, true));
            }
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    @Override
    public void close() {
        context.close();
        model.close();
    }
}
