package io.github.panamallama.examples.server;

import java.util.List;
import java.util.function.Consumer;

/**
 * What the HTTP layer needs from a model: generation, chat prompts and embeddings. The one
 * implementation, {@link LlamaEngine}, runs on the panama-llama API in-process, its requests
 * in {@link GenerationSlots}.
 *
 * <p>A generation is prepared first and run second, so that everything that can refuse a
 * request (its length, its grammar) does so before the first byte of a streamed answer.
 */
interface Engine extends AutoCloseable {
    String modelId();

    int contextLength();

    /** The most UTF-8 bytes of prompt that could fit in the context. */
    long mostPromptBytes();

    /**
     * Refuses, before any tokenizing, texts that cannot fit: {@code leastBytes} of prompt (or
     * of one embedding input, when {@code embedding}) is more than any context could hold.
     *
     * @throws ApiException 400 naming {@code field}
     */
    void checkTextSize(long leastBytes, boolean embedding, String field);

    /** The model's chat template applied to the messages, ready to generate from. */
    String chatPrompt(List<Requests.Message> messages);

    /**
     * Checks and tokenizes {@code prompt} (once) and builds its sampler (and grammar). Nothing
     * is decoded yet; the caller closes the job.
     *
     * @param chat whether the prompt is a chat template's output, whose special-token text
     *     (e.g. {@code [INST]}) is read as special tokens; a refusal then names {@code messages}
     *     rather than {@code prompt}
     * @throws ApiException 400 naming the field when the request cannot run: a prompt longer
     *     than the context, a grammar that does not compile, a bad logit bias
     */
    Job prepare(String prompt, boolean chat, Requests.Generation generation);

    /**
     * One normalised embedding per input, and the number of tokens read; stops early (with
     * {@link ClientGoneException} or the cancellation's error) when cancelled.
     */
    Embedded embed(List<String> inputs, Cancellation cancellation);

    @Override
    void close();

    /** A prepared generation. */
    interface Job extends AutoCloseable {
        int promptTokens();

        /**
         * Generates; each decoded piece of text goes to {@code pieces} as it is produced (stop
         * strings already removed). Blocks until done, or until {@code cancellation} fires:
         * then it stops within one token (a prompt being decoded is aborted) and returns what
         * was generated so far.
         */
        Result run(Cancellation cancellation, Consumer<String> pieces);

        @Override
        void close();
    }

    /**
     * @param cachedTokens of the prompt tokens, those the prompt cache supplied (not decoded again)
     * @param finishReason OpenAI's {@code finish_reason}: {@code stop} or {@code length}
     */
    record Result(String text, int promptTokens, int cachedTokens, int completionTokens, String finishReason) {}

    record Embedded(List<float[]> vectors, int promptTokens) {}
}
