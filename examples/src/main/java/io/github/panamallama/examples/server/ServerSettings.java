package io.github.panamallama.examples.server;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the server listens and what it allows one client.
 *
 * @param slots requests generating at once
 * @param queue requests that may wait for a slot before further ones get 429
 * @param maxTokens the most tokens one request generates: a larger {@code max_tokens} is lowered
 *     to it, and a chat request without one gets it
 * @param requestTimeout the longest one request may take, waiting for a slot included; a
 *     generation still running then ends with {@code finish_reason: "length"}
 * @param readTimeout the longest a client may take to send a whole request (line, headers and
 *     body), and the longest an idle kept-alive connection stays open
 * @param maxConnections open connections beyond which new ones are closed at once
 * @param apiKey when present, every request but {@code GET /health} must carry
 *     {@code Authorization: Bearer <apiKey>}
 * @param shutdownGrace how long a graceful stop lets running requests finish before it ends them
 */
record ServerSettings(String host, int port, int slots, int queue, int maxTokens, Duration requestTimeout,
                      Duration readTimeout, int maxConnections, Optional<String> apiKey, Duration shutdownGrace) {
    ServerSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(apiKey, "apiKey");
        require(port >= 0 && port <= 65535, "port must be 0..65535, got " + port);
        require(slots >= 1, "slots must be >= 1, got " + slots);
        require(queue >= 0, "queue must be >= 0, got " + queue);
        require(maxTokens >= 1, "max tokens must be >= 1, got " + maxTokens);
        require(positive(requestTimeout), "the request timeout must be positive, got " + requestTimeout);
        require(positive(readTimeout), "the read timeout must be positive, got " + readTimeout);
        require(maxConnections >= 1, "max connections must be >= 1, got " + maxConnections);
        require(apiKey.map(key -> !key.isBlank()).orElse(true), "the API key is blank");
        require(shutdownGrace != null && !shutdownGrace.isNegative(), "the shutdown grace must be >= 0, got " + shutdownGrace);
    }

    private static boolean positive(Duration duration) {
        return duration != null && duration.isPositive();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
