package io.github.panamallama;

/**
 * The outcome of a request to a {@link ParallelGenerator}.
 *
 * @param completion the text, tokens, stop reason and timings
 * @param usage the tokens it used, including how many prompt tokens the prompt cache supplied
 */
public record GenerationResult(Completion completion, TokenUsage usage) {
    public String text() {
        return completion.text();
    }

    public StopReason stopReason() {
        return completion.stopReason();
    }
}
