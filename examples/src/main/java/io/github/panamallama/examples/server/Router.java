package io.github.panamallama.examples.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * Sends each request where it goes, on the connection's event loop: quick answers
 * ({@code /health}, {@code /metrics}, models, refusals: 401, 404, 405, 429) at once; the
 * generation and embedding endpoints, once admitted, to a worker thread.
 */
final class Router {
    private static final System.Logger LOG = System.getLogger(Router.class.getName());
    private static final String MODELS = "/v1/models";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Endpoints endpoints;
    private final Admission admission;
    private final Metrics metrics;
    private final Optional<ApiKey> apiKey;
    private final Duration requestTimeout;
    private final ExecutorService workers;
    private final ObjectMapper json;

    Router(Endpoints endpoints, Admission admission, Metrics metrics, ServerSettings settings, ExecutorService workers,
           ObjectMapper json) {
        this.json = json;
        this.endpoints = endpoints;
        this.admission = admission;
        this.metrics = metrics;
        this.apiKey = settings.apiKey().map(ApiKey::new);
        this.requestTimeout = settings.requestTimeout();
        this.workers = workers;
    }

    void route(Exchange exchange) {
        try {
            String path = exchange.path();
            if (path.equals("/health")) {
                exchange.endpoint(path);
                requireMethod(exchange, "GET");
                health(exchange);
                return;
            }
            if (apiKey.isPresent() && !apiKey.get().accepts(exchange.header("Authorization"))) {
                throw ApiException.unauthorized();
            }
            switch (path) {
                case "/metrics" -> {
                    exchange.endpoint(path);
                    requireMethod(exchange, "GET");
                    exchange.respondText(200, PROMETHEUS_TEXT, metrics.render());
                }
                case MODELS -> {
                    exchange.endpoint(path);
                    requireMethod(exchange, "GET");
                    exchange.respond(200, endpoints.models());
                }
                case "/v1/completions", "/v1/chat/completions", "/v1/embeddings" -> {
                    exchange.endpoint(path);
                    requireMethod(exchange, "POST");
                    work(exchange);
                }
                default -> {
                    if (path.startsWith(MODELS + "/") && path.length() > MODELS.length() + 1) {
                        exchange.endpoint(MODELS + "/{id}");
                        requireMethod(exchange, "GET");
                        exchange.respond(200, endpoints.model(path.substring(MODELS.length() + 1)));
                        return;
                    }
                    throw ApiException.notFound("Unknown endpoint " + exchange.method() + " " + path + ".");
                }
            }
        } catch (ApiException e) {
            exchange.respond(e);
        }
    }

    private void health(Exchange exchange) {
        boolean closing = admission.isClosing();
        exchange.respond(closing ? 503 : 200, new Responses.Health(closing ? "shutting_down" : "ok",
                admission.slots(), admission.busySlots(), admission.queued()));
    }

    /** Admits (or refuses at once with 429/503) and hands the request to a worker thread. */
    private void work(Exchange exchange) {
        Admission.Ticket ticket = admission.admit(exchange.cancellation());
        // Closed again (a no-op) when the worker is done; both on the worker's thread.
        exchange.releaseBeforeLastWrite(ticket::close);
        exchange.watch(requestTimeout);
        try {
            workers.execute(() -> answer(exchange, ticket));
        } catch (RejectedExecutionException e) {
            ticket.close();
            throw ApiException.shuttingDown();
        }
    }

    private void answer(Exchange exchange, Admission.Ticket ticket) {
        try (ticket) {
            switch (exchange.path()) {
                case "/v1/completions" -> endpoints.completions(exchange, ticket);
                case "/v1/chat/completions" -> endpoints.chat(exchange, ticket);
                default -> endpoints.embeddings(exchange, ticket);
            }
        } catch (ClientGoneException e) {
            exchange.abandon(499);
        } catch (ApiException e) {
            if (exchange.cancellation().reason() == Cancellation.Reason.CLIENT_GONE) {
                exchange.abandon(e.status());
            } else {
                exchange.respond(e);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "request " + exchange.method() + " " + exchange.path() + " failed", e);
            ApiException error = ApiException.internal(e.getClass().getSimpleName() + ": " + e.getMessage());
            if (exchange.isStreaming()) {
                EventStream.resume(exchange, json).fail(error);
            } else {
                exchange.respond(error);
            }
        }
    }

    private static void requireMethod(Exchange exchange, String method) {
        if (!exchange.method().equals(method)) {
            throw ApiException.methodNotAllowed(exchange.method(), exchange.path());
        }
    }
}
