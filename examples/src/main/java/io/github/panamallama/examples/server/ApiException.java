package io.github.panamallama.examples.server;

/**
 * A request the server refuses, carried to the HTTP layer as an OpenAI-shaped error body:
 * {@code {"error": {"message", "type", "param", "code"}}}.
 */
final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    ApiException(int status, String type, String param, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400: the request itself is wrong; {@code param} names the offending field. */
    static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", param, null, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "invalid_request_error", null, "not_found", message);
    }

    static ApiException methodNotAllowed(String method, String path) {
        return new ApiException(405, "invalid_request_error", null, "method_not_allowed",
                "Method " + method + " is not allowed on " + path);
    }

    /** 429: every generation slot is busy and the wait queue is full. */
    static ApiException overloaded(int queueCapacity) {
        return new ApiException(429, "rate_limit_exceeded", null, "queue_full",
                "The server is busy: all generation slots are in use and " + queueCapacity
                        + " requests are already waiting. Retry later.");
    }

    static ApiException shuttingDown() {
        return new ApiException(503, "server_error", null, "shutting_down", "The server is shutting down.");
    }

    static ApiException internal(String message) {
        return new ApiException(500, "server_error", null, null, message);
    }

    int status() {
        return status;
    }

    ErrorBody body() {
        return new ErrorBody(new ErrorBody.Detail(getMessage(), type, param, code));
    }

    /** The JSON error body OpenAI clients parse. */
    record ErrorBody(Detail error) {
        record Detail(String message, String type, String param, String code) {}
    }
}
