package io.github.panamallama;

/**
 * The tokens one request used, as OpenAI's {@code usage} reports them.
 *
 * @param promptTokens tokens of the prompt ({@code prompt_tokens})
 * @param cachedTokens of those, how many were already in memory from an earlier request and
 *     were not decoded again ({@code prompt_tokens_details.cached_tokens})
 * @param completionTokens tokens generated ({@code completion_tokens}; an end-of-generation
 *     token is not counted)
 */
public record TokenUsage(int promptTokens, int cachedTokens, int completionTokens) {
    public TokenUsage {
        if (promptTokens < 0 || cachedTokens < 0 || completionTokens < 0 || cachedTokens > promptTokens) {
            throw new IllegalArgumentException("token counts must be >= 0 with cached <= prompt: prompt " + promptTokens
                    + ", cached " + cachedTokens + ", completion " + completionTokens);
        }
    }

    /** {@code total_tokens}: prompt and completion. */
    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
