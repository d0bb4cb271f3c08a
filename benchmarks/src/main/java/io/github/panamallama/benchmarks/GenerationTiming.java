package io.github.panamallama.benchmarks;

/**
 * One greedy generation's figures, from the Java API or from the C loop, both timed the same way.
 *
 * @param promptTokens prompt length in tokens, BOS included
 * @param generated tokens generated
 * @param promptMillis decoding the prompt (tokenizing not included)
 * @param generationMillis from the end of the prompt's decode to the last sampled token, as the
 *     API's {@code GenerationTimings} measures it
 * @param firstTokenMillis from the request (tokenizing included) to the first generated token
 * @param firstToLastMillis from the first generated token to the last
 * @param text the generated text
 */
record GenerationTiming(int promptTokens, int generated, double promptMillis, double generationMillis,
        double firstTokenMillis, double firstToLastMillis, String text) {
    /** Prompt tokens per second of the prompt's decode. */
    double promptTokensPerSecond() {
        return promptTokens * 1000.0 / promptMillis;
    }

    /**
     * Generated tokens per second from the end of the prompt: {@code generated / generationMillis},
     * the API's {@code GenerationTimings.tokensPerSecond()}. The first token's sampling counts.
     */
    double tokensPerSecond() {
        return generated * 1000.0 / generationMillis;
    }

    /** As the JNI comparison reports it: speed from the first generated token to the last. */
    GenerationSample sample(String variant) {
        return new GenerationSample(variant, promptTokens, generated, firstTokenMillis,
                (generated - 1) * 1000.0 / firstToLastMillis, GenerationSample.digest(text));
    }
}
