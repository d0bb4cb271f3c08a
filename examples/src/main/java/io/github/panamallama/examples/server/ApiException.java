package io.github.panamallama.examples.server;

import java.util.OptionalInt;

/**
 * A request the server refuses, carried to the HTTP layer as an OpenAI-shaped error body:
 * {@code {"error": {"message", "type", "param", "code"}}}, with a {@code Retry-After} header
 * when waiting would help.
 */
final class ApiException extends RuntimeException {
    /** Seconds a client refused for load should wait before trying again. */
    static final int RETRY_AFTER_SECONDS = 1;

    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final OptionalInt retryAfterSeconds;

    ApiException(int status, String type, String param, String code, String message) {
        this(status, type, param, code, message, OptionalInt.empty());
    }

    private ApiException(int status, String type, String param, String code, String message, OptionalInt retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 400: the request itself is wrong; {@code param} names the offending field. */
    static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", param, null, message);
    }

    static ApiException unauthorized() {
        return new ApiException(401, "invalid_request_error", null, "invalid_api_key",
                "Missing or incorrect API key: send it as 'Authorization: Bearer <key>'.");
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "invalid_request_error", null, "not_found", message);
    }

    static ApiException modelNotFound(String model, String served) {
        return new ApiException(404, "invalid_request_error", "model", "model_not_found",
                "The model '" + model + "' does not exist; this server serves '" + served + "'.");
    }

    static ApiException methodNotAllowed(String method, String path) {
        return new ApiException(405, "invalid_request_error", null, "method_not_allowed",
                "Method " + method + " is not allowed on " + path);
    }

    static ApiException tooLarge(long limit, String why) {
        return new ApiException(413, "invalid_request_error", null, "request_too_large",
                "The request body is larger than " + limit + " bytes, " + why + ".");
    }

    static ApiException badHttp(int status, String message) {
        return new ApiException(status, "invalid_request_error", null, null, message);
    }

    /** 429: every generation slot is busy and the wait queue is full. */
    static ApiException overloaded(int queueCapacity) {
        return new ApiException(429, "rate_limit_exceeded", null, "queue_full",
                "The server is busy: all generation slots are in use and " + queueCapacity
                        + " requests are already waiting. Retry later.", OptionalInt.of(RETRY_AFTER_SECONDS));
    }

    /** 503: the request's time ran out while it waited for a slot. */
    static ApiException timedOutWaiting(long limitMillis) {
        return new ApiException(503, "server_error", null, "timeout",
                "No generation slot came free within the server's request time limit of " + limitMillis
                        + " ms. Retry later.", OptionalInt.of(RETRY_AFTER_SECONDS));
    }

    static ApiException shuttingDown() {
        return new ApiException(503, "server_error", null, "shutting_down", "The server is shutting down.",
                OptionalInt.of(RETRY_AFTER_SECONDS));
    }

    static ApiException internal(String message) {
        return new ApiException(500, "server_error", null, null, message);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    OptionalInt retryAfterSeconds() {
        return retryAfterSeconds;
    }

    ErrorBody body() {
        return new ErrorBody(new ErrorBody.Detail(getMessage(), type, param, code));
    }

    /** The JSON error body OpenAI clients parse. */
    record ErrorBody(Detail error) {
        record Detail(String message, String type, String param, String code) {}
    }
}
