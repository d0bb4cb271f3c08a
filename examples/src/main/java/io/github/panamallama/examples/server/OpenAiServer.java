package io.github.panamallama.examples.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible HTTP server on the JDK's built-in HTTP server: {@code /v1/models},
 * {@code /v1/completions}, {@code /v1/chat/completions} (with SSE streaming) and
 * {@code /v1/embeddings}. Concurrency is bounded by {@link Admission}; {@link #close()} shuts
 * down gracefully: new requests get 503 while running ones finish.
 */
public final class OpenAiServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OpenAiServer.class.getName());
    private static final int MAX_BODY_BYTES = 8 << 20;
    private static final long DRAIN_MILLIS = 30_000;

    private final HttpServer http;
    private final ExecutorService handlers;
    private final Admission admission;
    private final Engine engine;
    private final Endpoints endpoints;
    private final ObjectMapper json = new ObjectMapper();

    private OpenAiServer(HttpServer http, Engine engine, Admission admission) {
        this.http = http;
        this.engine = engine;
        this.admission = admission;
        this.endpoints = new Endpoints(engine, json);
        // Platform threads: a generation spends its time in native code, which would pin a
        // virtual thread's carrier and starve the requests that only need a quick 429.
        this.handlers = Executors.newCachedThreadPool(Thread.ofPlatform().name("openai-http-", 0).daemon().factory());
        http.setExecutor(handlers);
        http.createContext("/", this::handle);
    }

    /**
     * Starts serving {@code engine} on {@code host:port} (port 0 picks a free one).
     *
     * @param slots requests generating at once
     * @param queue requests that may wait for a slot before further ones get 429
     */
    static OpenAiServer start(Engine engine, String host, int port, int slots, int queue) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 64);
        OpenAiServer server = new OpenAiServer(http, engine, new Admission(slots, queue));
        http.start();
        return server;
    }

    /** The port the server listens on. */
    public int port() {
        return http.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            try {
                route(exchange);
            } catch (ApiException e) {
                respond(exchange, e.status(), e.body());
            } catch (UncheckedIOException e) {
                LOG.log(Level.DEBUG, "client went away: " + e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "request failed", e);
                respond(exchange, 500, ApiException.internal(e.getClass().getSimpleName() + ": " + e.getMessage()).body());
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "client went away: " + e.getMessage());
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        switch (path) {
            case "/v1/models" -> {
                requireMethod(exchange, "GET");
                respond(exchange, 200, endpoints.models());
            }
            case "/v1/completions", "/v1/chat/completions", "/v1/embeddings" -> {
                requireMethod(exchange, "POST");
                JsonNode body = readJson(exchange);
                try (Admission.Ticket ignored = admission.enter()) {
                    switch (path) {
                        case "/v1/completions" -> endpoints.completions(body, exchange);
                        case "/v1/chat/completions" -> endpoints.chat(body, exchange);
                        default -> respond(exchange, 200, endpoints.embeddings(body));
                    }
                }
            }
            case "/health" -> respond(exchange, 200, Map.of("status", "ok"));
            default -> throw ApiException.notFound("Unknown endpoint " + method + " " + path + ".");
        }
    }

    private static void requireMethod(HttpExchange exchange, String method) {
        if (!exchange.getRequestMethod().equals(method)) {
            throw ApiException.methodNotAllowed(exchange.getRequestMethod(), exchange.getRequestURI().getPath());
        }
    }

    private JsonNode readJson(HttpExchange exchange) throws IOException {
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ApiException(413, "invalid_request_error", null, "request_too_large",
                    "The request body is larger than " + MAX_BODY_BYTES + " bytes.");
        }
        try {
            return json.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(null, "The request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private void respond(HttpExchange exchange, int status, Object body) {
        JsonBody.send(exchange, json, status, body);
    }

    /** Graceful: refuses new requests, lets running ones finish (up to 30 s), then stops. */
    @Override
    public void close() {
        try {
            if (!admission.drain(DRAIN_MILLIS)) {
                LOG.log(Level.WARNING, "requests still running after " + DRAIN_MILLIS + " ms; stopping anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.stop(0);
        handlers.shutdownNow();
        engine.close();
    }
}
