package io.github.panamallama.springai;

/**
 * Whether the model may, must or must not call the request's tools. Spring AI's portable
 * {@link org.springframework.ai.chat.prompt.ChatOptions} has no such setting, so it lives in
 * {@link PanamaLlamaChatOptions}.
 */
public enum ToolChoice {
    /**
     * The model answers in text or calls tools; a grammar holds the calls to the tools' schemas
     * once the model starts one. Default.
     */
    AUTO,
    /**
     * The whole reply is tool calls. Use it for one request (then send the results with
     * {@code AUTO}): asked on every round, the model would call tools for ever.
     */
    REQUIRED,
    /** The tools are not shown to the model. */
    NONE
}
