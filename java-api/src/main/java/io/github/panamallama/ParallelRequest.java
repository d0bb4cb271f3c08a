package io.github.panamallama;

import java.util.Set;

/**
 * A request as a {@link ParallelGenerator} holds it from submission to its end: the prompt,
 * the options, the sampler it samples with and the handle its submitter watches.
 */
final class ParallelRequest {
    private final int[] prompt;
    private final GenerationOptions options;
    private final Sampler sampler;
    /** Samplers the submitters lent, in use by unfinished requests; null when this one owns its sampler. */
    private final Set<Sampler> lentSamplers;
    private final GenerationHandle handle = new GenerationHandle();

    /**
     * @param lentSamplers where a caller's sampler is registered while in use; null if
     *     {@code sampler} was made for this request, which then closes it
     */
    ParallelRequest(int[] prompt, GenerationOptions options, Sampler sampler, Set<Sampler> lentSamplers) {
        this.prompt = prompt;
        this.options = options;
        this.sampler = sampler;
        this.lentSamplers = lentSamplers;
    }

    int[] prompt() {
        return prompt;
    }

    GenerationOptions options() {
        return options;
    }

    Sampler sampler() {
        return sampler;
    }

    GenerationHandle handle() {
        return handle;
    }

    /** Gives the sampler back to its lender, or closes it if it was made for this request. Once, at the end. */
    void releaseSampler() {
        if (lentSamplers == null) {
            sampler.close();
        } else {
            lentSamplers.remove(sampler);
        }
    }

    /** Ends a request that never ran (cancelled while queued, or the generator closed). */
    void endUnstarted(StopReason reason) {
        releaseSampler();
        handle.complete(new GenerationResult(new Completion("", new int[0], reason, new GenerationTimings(0, 0, 0, 0)),
                new TokenUsage(prompt.length, 0, 0)));
    }

    /** Fails a request with the generator's failure. */
    void fail(Throwable failure) {
        releaseSampler();
        handle.fail(failure);
    }
}
