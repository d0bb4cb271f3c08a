package io.github.panamallama.examples.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A server-sent-events answer, as OpenAI streams: {@code data: <json>} events, then
 * {@code data: [DONE]}; or, when the request fails after the stream began, one
 * {@code data: {"error": ...}} event (the OpenAI SDKs raise it as an error) and the end.
 */
final class EventStream {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.UTF_8);
    private static final byte[] END_OF_EVENT = "\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

    private final Exchange exchange;
    private final ObjectMapper json;

    /** Sends the 200 and the event-stream headers. */
    EventStream(Exchange exchange, ObjectMapper json) {
        this(exchange, json, true);
    }

    private EventStream(Exchange exchange, ObjectMapper json, boolean start) {
        this.exchange = exchange;
        this.json = json;
        if (start) {
            exchange.startEvents();
        }
    }

    /** The stream of an exchange whose event-stream headers are already out. */
    static EventStream resume(Exchange exchange, ObjectMapper json) {
        if (!exchange.isStreaming()) {
            throw new IllegalStateException("no event stream was started");
        }
        return new EventStream(exchange, json, false);
    }

    void send(Object event) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        bytes.writeBytes(DATA);
        try {
            bytes.writeBytes(json.writeValueAsBytes(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event is plain data", e);
        }
        bytes.writeBytes(END_OF_EVENT);
        exchange.event(bytes.toByteArray());
    }

    /** The normal end: {@code [DONE]}. */
    void done() {
        exchange.event(DONE);
        exchange.endEvents("completed", null);
    }

    /** The end after a failure: the error as OpenAI shapes it, and no {@code [DONE]}. */
    void fail(ApiException error) {
        send(error.body());
        exchange.endEvents("failed", error.code() != null ? error.code() : "server_error");
    }
}
