package io.github.panamallama.examples.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The server's counters, written as Prometheus' text exposition format (version 0.0.4) for
 * {@code GET /metrics}: requests by endpoint and status, prompt and generated tokens, prompt-cache
 * hits and the tokens they saved, queue depth and busy slots, time to first token and generation
 * speed as histograms.
 */
final class Metrics {
    private static final String PREFIX = "panamallama_";

    private final Map<RequestKey, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder generatedTokens = new LongAdder();
    private final LongAdder generations = new LongAdder();
    private final LongAdder promptCacheHits = new LongAdder();
    private final LongAdder promptCacheTokens = new LongAdder();
    private final Histogram timeToFirstToken = new Histogram(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);
    private final Histogram tokensPerSecond = new Histogram(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000);
    private final IntSupplier queued;
    private final IntSupplier busySlots;
    private final int slots;
    private final IntSupplier connections;

    Metrics(IntSupplier queued, IntSupplier busySlots, int slots, IntSupplier connections) {
        this.queued = queued;
        this.busySlots = busySlots;
        this.slots = slots;
        this.connections = connections;
    }

    private record RequestKey(String endpoint, int status) implements Comparable<RequestKey> {
        @Override
        public int compareTo(RequestKey other) {
            int byEndpoint = endpoint.compareTo(other.endpoint);
            return byEndpoint != 0 ? byEndpoint : Integer.compare(status, other.status);
        }
    }

    /** One answered request; {@code endpoint} is one of the server's paths or "other", never the raw path. */
    void request(String endpoint, int status) {
        requests.computeIfAbsent(new RequestKey(endpoint, status), key -> new LongAdder()).increment();
    }

    /**
     * One finished generation (completion or chat, cut short or not).
     *
     * @param cached of the {@code prompt} tokens, those the prompt cache supplied
     */
    void generation(int prompt, int cached, int generated) {
        generations.increment();
        promptTokens.add(prompt);
        generatedTokens.add(generated);
        if (cached > 0) {
            promptCacheHits.increment();
            promptCacheTokens.add(cached);
        }
    }

    void firstToken(long nanosSinceRequest) {
        timeToFirstToken.observe(nanosSinceRequest / 1e9);
    }

    /** A finished generation's speed, from its first token to its last. */
    void generationSpeed(int tokens, long nanos) {
        if (tokens > 1 && nanos > 0) {
            tokensPerSecond.observe((tokens - 1) / (nanos / 1e9));
        }
    }

    String render() {
        StringBuilder out = new StringBuilder();
        header(out, "requests_total", "counter", "HTTP requests answered, by endpoint and status.");
        new TreeMap<>(requests).forEach((key, count) -> out.append(PREFIX).append("requests_total{endpoint=\"")
                .append(key.endpoint()).append("\",status=\"").append(key.status()).append("\"} ")
                .append(count.sum()).append('\n'));
        counter(out, "prompt_tokens_total", "Prompt tokens read by generations.", promptTokens.sum());
        counter(out, "generated_tokens_total", "Tokens generated.", generatedTokens.sum());
        counter(out, "generations_total", "Generations run (completions and chat), finished or cut short.", generations.sum());
        // hits / generations is the cache's hit ratio; cached / prompt tokens the share of prompt work it saved.
        counter(out, "prompt_cache_hits_total", "Generations that reused a cached prompt prefix.", promptCacheHits.sum());
        counter(out, "prompt_cache_tokens_total", "Prompt tokens taken from the prompt cache instead of decoded.",
                promptCacheTokens.sum());
        gauge(out, "queue_depth", "Requests waiting for a generation slot.", queued.getAsInt());
        gauge(out, "slots_busy", "Generation slots in use.", busySlots.getAsInt());
        gauge(out, "slots_total", "Generation slots.", slots);
        gauge(out, "connections_open", "Open HTTP connections.", connections.getAsInt());
        timeToFirstToken.render(out, PREFIX + "time_to_first_token_seconds",
                "From a generation request's arrival to its first generated text.");
        tokensPerSecond.render(out, PREFIX + "generation_tokens_per_second",
                "Generation speed of finished requests, first to last token.");
        return out.toString();
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(PREFIX).append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(PREFIX).append(name).append(' ').append(type).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        header(out, name, "counter", help);
        out.append(PREFIX).append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        header(out, name, "gauge", help);
        out.append(PREFIX).append(name).append(' ').append(value).append('\n');
    }

    /** A Prometheus histogram: cumulative buckets, sum and count. */
    private static final class Histogram {
        private final double[] bounds;
        private final long[] counts;
        private long count;
        private double sum;

        Histogram(double... bounds) {
            this.bounds = bounds;
            this.counts = new long[bounds.length];
        }

        synchronized void observe(double value) {
            for (int i = 0; i < bounds.length; i++) {
                if (value <= bounds[i]) {
                    counts[i]++;
                }
            }
            count++;
            sum += value;
        }

        synchronized void render(StringBuilder out, String name, String help) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(" histogram\n");
            for (int i = 0; i < bounds.length; i++) {
                out.append(name).append("_bucket{le=\"").append(number(bounds[i])).append("\"} ").append(counts[i]).append('\n');
            }
            out.append(name).append("_bucket{le=\"+Inf\"} ").append(count).append('\n');
            out.append(name).append("_sum ").append(number(sum)).append('\n');
            out.append(name).append("_count ").append(count).append('\n');
        }

        private static String number(double value) {
            return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
        }
    }
}
