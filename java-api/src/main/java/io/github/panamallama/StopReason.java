package io.github.panamallama;

/** Why a generation ended. */
public enum StopReason {
    /** {@link GenerationOptions#maxTokens()} tokens were generated. */
    MAX_TOKENS,
    /** The model produced an end-of-generation token (EOS, EOT). */
    EOS,
    /** The text reached one of {@link GenerationOptions#stopStrings()}. */
    STOP_STRING,
    /** {@link LlamaContext#abort()} was called. */
    CANCELLED,
    /** The context's memory is full. */
    CONTEXT_FULL
}
