package io.github.panamallama.examples.server;

import java.util.Set;

/**
 * The most body bytes a request can use, by endpoint, so that a larger one is refused from its
 * {@code Content-Length} before it is read. A generation request is its prompt, each byte of
 * which JSON writes in at most six, plus a message's framing (bounded per context token, as
 * every message costs at least one) and a megabyte for everything else (a JSON schema, a logit
 * bias for the whole vocabulary); never more than the server-wide limit.
 */
final class BodyLimits {
    /** The server-wide bound on any body. */
    static final int MAX_BODY_BYTES = 8 << 20;
    private static final Set<String> GENERATION = Set.of("/v1/completions", "/v1/chat/completions");
    private static final int MOST_ESCAPED_BYTES = 6;
    private static final int FRAMING_BYTES_PER_TOKEN = 64;
    private static final int OTHER_FIELDS_BYTES = 1 << 20;

    private final long generation;
    private final int contextLength;

    BodyLimits(long mostPromptBytes, int contextLength) {
        this.contextLength = contextLength;
        this.generation = Math.min(MAX_BODY_BYTES,
                MOST_ESCAPED_BYTES * mostPromptBytes + (long) FRAMING_BYTES_PER_TOKEN * contextLength + OTHER_FIELDS_BYTES);
    }

    /** The most body bytes a request to {@code path} can use. */
    long forPath(String path) {
        return GENERATION.contains(path) ? generation : MAX_BODY_BYTES;
    }

    /** The 413 for a body over {@link #forPath}. */
    ApiException refusal(String path) {
        long limit = forPath(path);
        return limit < MAX_BODY_BYTES
                ? ApiException.tooLarge(limit, "the most a request to " + path + " can use: more could not fit in the context of "
                        + contextLength + " tokens")
                : ApiException.tooLarge(limit, "the server's limit");
    }
}
