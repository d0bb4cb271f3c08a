package io.github.panamallama;

/**
 * The result of a generation.
 *
 * @param text the generated text (without a stop string that ended it)
 * @param tokens the generated token ids (an end-of-generation token is not included)
 * @param stopReason why generation ended
 * @param timings how long it took
 */
public record Completion(String text, int[] tokens, StopReason stopReason, GenerationTimings timings) {
    public Completion {
        tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }
}
