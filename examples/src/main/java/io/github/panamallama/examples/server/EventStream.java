package io.github.panamallama.examples.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** A server-sent-events response, as OpenAI streams: {@code data: <json>} events, then {@code data: [DONE]}. */
final class EventStream implements AutoCloseable {
    private final OutputStream body;
    private final ObjectMapper json;

    EventStream(HttpExchange exchange, ObjectMapper json) throws IOException {
        this.json = json;
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        this.body = exchange.getResponseBody();
    }

    /** Sends one event; an I/O failure (the client went away) surfaces as UncheckedIOException. */
    void send(Object event) {
        try {
            body.write("data: ".getBytes(StandardCharsets.UTF_8));
            body.write(json.writeValueAsBytes(event));
            body.write("\n\n".getBytes(StandardCharsets.UTF_8));
            body.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            body.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            body.flush();
        } finally {
            body.close();
        }
    }
}
