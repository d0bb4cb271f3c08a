package io.github.panamallama;

/** Why a generation ended. */
public enum StopReason {
    /** {@link GenerationOptions#maxTokens()} tokens were generated. */
    MAX_TOKENS,
    /** The model produced an end-of-generation token (EOS, EOT). */
    EOS,
    /** The text reached one of {@link GenerationOptions#stopStrings()}. */
    STOP_STRING,
    /**
     * {@link LlamaContext#abort()} was called, or the request was cancelled
     * ({@link GenerationHandle#cancel()}) or its {@link ParallelGenerator} closed.
     */
    CANCELLED,
    /** The context's memory is full. */
    CONTEXT_FULL;

    /**
     * Whether a length limit cut the text off (the token budget or the context), rather than
     * the model, a stop string or a cancellation ending it.
     */
    public boolean truncated() {
        return this == MAX_TOKENS || this == CONTEXT_FULL;
    }

    /**
     * OpenAI's {@code finish_reason} for this reason: {@code "length"} when {@link #truncated()},
     * else {@code "stop"} (OpenAI has no value for a cancelled generation; it ended early, not
     * cut off by a limit). The example server and the LangChain4j adapter both report this.
     */
    public String openAiFinishReason() {
        return truncated() ? "length" : "stop";
    }
}
