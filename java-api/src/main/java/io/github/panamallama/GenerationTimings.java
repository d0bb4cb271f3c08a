package io.github.panamallama;

/**
 * Wall-clock timings of one generation, measured in Java.
 *
 * @param promptTokens tokens decoded for the prompt (after any reused prefix)
 * @param promptMillis time to decode them
 * @param generatedTokens tokens generated
 * @param generationMillis time from the first to the last generated token
 */
public record GenerationTimings(int promptTokens, double promptMillis, int generatedTokens, double generationMillis) {
    public double promptTokensPerSecond() {
        return promptMillis > 0 ? promptTokens * 1000.0 / promptMillis : 0;
    }

    public double tokensPerSecond() {
        return generationMillis > 0 ? generatedTokens * 1000.0 / generationMillis : 0;
    }
}
