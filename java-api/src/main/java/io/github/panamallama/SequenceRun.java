package io.github.panamallama;

/**
 * A request running on a sequence: how far its prompt is decoded, the token waiting to be
 * decoded, its text so far and its timings. Used by the driver thread only.
 */
final class SequenceRun {
    private final ParallelRequest request;
    private final SequenceSlot slot;
    private final GeneratedText output;
    private final int cachedTokens;
    private final long startNanos = System.nanoTime();
    private long promptEndNanos;
    private long lastTokenNanos;
    private int promptNext;
    private int decodedPromptTokens;
    /** Sampled and not yet decoded: the next step decodes it; -1 while the prompt runs. */
    private int pendingToken = -1;
    /** This step: tokens put in the batch, and the batch index of its logits (-1: none). */
    private int batchTokens;
    private int outputIndex = -1;
    private boolean ended;

    SequenceRun(ParallelRequest request, SequenceSlot slot, int cachedTokens, GeneratedText output) {
        this.request = request;
        this.slot = slot;
        this.cachedTokens = cachedTokens;
        this.output = output;
        this.promptNext = cachedTokens;
    }

    ParallelRequest request() {
        return request;
    }

    SequenceSlot slot() {
        return slot;
    }

    GeneratedText output() {
        return output;
    }

    int[] prompt() {
        return request.prompt();
    }

    /** Prompt tokens not yet decoded. */
    int promptRemaining() {
        return request.prompt().length - promptNext;
    }

    /** Index of the next prompt token to decode (= its position). */
    int promptNext() {
        return promptNext;
    }

    int pendingToken() {
        return pendingToken;
    }

    void setPendingToken(int token) {
        this.pendingToken = token;
    }

    /** Records what this run put in the step's batch. */
    void planned(int tokens, int logitsIndex) {
        this.batchTokens = tokens;
        this.outputIndex = logitsIndex;
    }

    int batchTokens() {
        return batchTokens;
    }

    int outputIndex() {
        return outputIndex;
    }

    /** The step's batch was decoded: its tokens are now in this sequence's memory. */
    void decoded(long nanos) {
        if (pendingToken >= 0) {
            slot.append(pendingToken);
            pendingToken = -1;
        } else {
            int[] prompt = request.prompt();
            for (int i = 0; i < batchTokens; i++) {
                slot.append(prompt[promptNext + i]);
            }
            promptNext += batchTokens;
            decodedPromptTokens += batchTokens;
            if (promptNext == prompt.length) {
                promptEndNanos = nanos;
            }
        }
    }

    void sampled(long nanos) {
        lastTokenNanos = nanos;
    }

    boolean ended() {
        return ended;
    }

    /** Ends the run: the result, with the text held back so far released. */
    GenerationResult end(StopReason reason, long nanos) {
        ended = true;
        output.finish();
        long promptEnd = promptEndNanos == 0 ? nanos : promptEndNanos;
        int generated = output.count();
        GenerationTimings timings = new GenerationTimings(decodedPromptTokens, (promptEnd - startNanos) / 1e6,
                generated, generated == 0 ? 0 : (lastTokenNanos - promptEnd) / 1e6);
        return new GenerationResult(output.completion(reason, timings),
                new TokenUsage(request.prompt().length, cachedTokens, generated));
    }
}
