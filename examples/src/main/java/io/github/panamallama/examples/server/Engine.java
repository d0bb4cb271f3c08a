package io.github.panamallama.examples.server;

import java.util.List;
import java.util.function.Consumer;

/**
 * What the HTTP layer needs from a model: generation, chat prompts and embeddings. The one
 * implementation, {@link LlamaEngine}, runs on the panama-llama API in-process.
 */
interface Engine extends AutoCloseable {
    String modelId();

    int contextLength();

    /** The model's chat template applied to the messages, ready to generate from. */
    String chatPrompt(List<Requests.Message> messages);

    /**
     * Generates from {@code prompt}; each decoded piece of text goes to {@code pieces} as it
     * is produced (stop strings already removed). Blocks until done.
     *
     * @param parseSpecial whether special-token text in the prompt (e.g. {@code [INST]}) is
     *     read as special tokens, as it must be for a chat template's output
     */
    Result generate(String prompt, boolean parseSpecial, Requests.Generation generation, Consumer<String> pieces);

    /** One normalised embedding per input, and the number of tokens read. */
    Embedded embed(List<String> inputs);

    @Override
    void close();

    /** @param finishReason OpenAI's {@code finish_reason}: {@code stop} or {@code length} */
    record Result(String text, int promptTokens, int completionTokens, String finishReason) {}

    record Embedded(List<float[]> vectors, int promptTokens) {}
}
