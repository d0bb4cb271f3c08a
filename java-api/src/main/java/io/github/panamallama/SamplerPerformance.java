package io.github.panamallama;

/**
 * llama.cpp's sampling counters for one {@link Sampler} (llama_perf_sampler).
 *
 * @param sampleMillis time spent choosing tokens
 * @param samples tokens sampled
 */
public record SamplerPerformance(double sampleMillis, int samples) {}
