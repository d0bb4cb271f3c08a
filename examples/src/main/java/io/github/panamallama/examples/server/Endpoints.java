package io.github.panamallama.examples.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The OpenAI generation and embedding endpoints, on a worker thread: read and check the
 * request, prepare it (tokenize, grammar), wait for a slot, then answer; streamed answers send
 * their first byte only after everything that can refuse the request has run.
 */
final class Endpoints {
    private static final System.Logger LOG = System.getLogger(Endpoints.class.getName());
    /** Where a chat request's texts are: a message's content, or a content part's text. */
    private static final Set<String> MESSAGE_TEXTS = Set.of("content", "text");

    private final Engine engine;
    private final ObjectMapper json;
    private final Metrics metrics;
    private final Requests.Limits limits;
    private final long requestTimeoutMillis;
    private final long created = System.currentTimeMillis() / 1000;

    Endpoints(Engine engine, ObjectMapper json, Metrics metrics, ServerSettings settings) {
        this.engine = engine;
        this.json = json;
        this.metrics = metrics;
        this.limits = new Requests.Limits(engine.contextLength(), settings.maxTokens());
        this.requestTimeoutMillis = settings.requestTimeout().toMillis();
        warmUp();
    }

    /**
     * Loads and runs the request-reading code once at start, so the first client does not wait
     * for class loading (a refusal of a megabyte body then takes milliseconds, not a second).
     */
    private void warmUp() {
        byte[] sample = ("{\"model\":\"m\",\"prompt\":\"" + "warm ".repeat(50_000) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < 3; i++) {
            PromptScan.of(sample, json.getFactory(), "prompt", Set.of());
            PromptScan.of(sample, json.getFactory(), "messages", MESSAGE_TEXTS);
            try {
                json.readTree(sample);
                json.writeValueAsBytes(ApiException.invalid("prompt", "warm-up").body());
                json.writeValueAsBytes(new AccessLog.Entry("t", "r", "POST", "/", 400, 0, "refused", true, 1, 1, 1L, "c"));
                json.writeValueAsBytes(new Responses.Completion("id", "text_completion", 0, "m",
                        List.of(new Responses.TextChoice(0, "t", "stop", null)), Responses.Usage.of(1, 1)));
                json.writeValueAsBytes(chunk("id", 0, new Responses.Delta("assistant", "t"), null));
            } catch (IOException e) {
                throw new IllegalStateException("the warm-up values are valid JSON", e);
            }
        }
    }

    Responses.ModelList models() {
        return new Responses.ModelList("list", List.of(model()));
    }

    /** {@code GET /v1/models/{id}}: the served model, or 404. */
    Responses.Model model(String id) {
        if (!id.equals(engine.modelId())) {
            throw ApiException.modelNotFound(id, engine.modelId());
        }
        return model();
    }

    private Responses.Model model() {
        return new Responses.Model(engine.modelId(), "model", created, "panama-llama");
    }

    void completions(Exchange exchange, Admission.Ticket ticket) {
        engine.checkTextSize(PromptScan.of(exchange.body(), json.getFactory(), "prompt", Set.of()).largest(), false, "prompt");
        Requests.Completion request = Requests.completion(read(exchange), limits);
        checkModel(request.model());
        exchange.stream(request.generation().stream());
        String id = "cmpl-" + UUID.randomUUID();
        long now = System.currentTimeMillis() / 1000;
        Requests.Generation generation = request.generation();
        try (Engine.Job job = engine.prepare(request.prompt(), false, generation)) {
            ticket.awaitSlot(exchange.cancellation(), requestTimeoutMillis);
            if (!generation.stream()) {
                Engine.Result result = run(job, exchange, piece -> {});
                exchange.respond(200, new Responses.Completion(id, "text_completion", now, engine.modelId(),
                        List.of(new Responses.TextChoice(0, result.text(), finishReason(result, exchange), null)),
                        Responses.Usage.of(result)));
                return;
            }
            EventStream events = new EventStream(exchange, json);
            streamed(exchange, events, () -> {
                Engine.Result result = run(job, exchange, piece -> events.send(new Responses.Completion(id, "text_completion",
                        now, engine.modelId(), List.of(new Responses.TextChoice(0, piece, null, null)), null)));
                events.send(new Responses.Completion(id, "text_completion", now, engine.modelId(),
                        List.of(new Responses.TextChoice(0, "", finishReason(result, exchange), null)),
                        generation.includeUsage() ? Responses.Usage.of(result) : null));
            });
        }
    }

    void chat(Exchange exchange, Admission.Ticket ticket) {
        engine.checkTextSize(PromptScan.of(exchange.body(), json.getFactory(), "messages", MESSAGE_TEXTS).total(), false, "messages");
        Requests.Chat request = Requests.chat(read(exchange), limits);
        checkModel(request.model());
        exchange.stream(request.generation().stream());
        String prompt = engine.chatPrompt(request.messages());
        String id = "chatcmpl-" + UUID.randomUUID();
        long now = System.currentTimeMillis() / 1000;
        Requests.Generation generation = request.generation();
        try (Engine.Job job = engine.prepare(prompt, true, generation)) {
            ticket.awaitSlot(exchange.cancellation(), requestTimeoutMillis);
            // With tools the reply is read for calls (tool_choice "none": plain text).
            ToolReply tools = request.tools().filter(ToolUse::callsPossible).map(use -> new ToolReply()).orElse(null);
            if (!generation.stream()) {
                Engine.Result result = run(job, exchange, piece -> {});
                Responses.Message message = new Responses.Message("assistant", result.text());
                String finishReason = finishReason(result, exchange);
                if (tools != null) {
                    tools.feed(result.text());
                    tools.finish();
                    message = tools.message();
                    finishReason = tools.finishReason(finishReason);
                }
                exchange.respond(200, new Responses.ChatCompletion(id, "chat.completion", now, engine.modelId(),
                        List.of(new Responses.ChatChoice(0, message, finishReason, null)),
                        Responses.Usage.of(result)));
                return;
            }
            EventStream events = new EventStream(exchange, json);
            streamed(exchange, events, () -> {
                events.send(chunk(id, now, new Responses.Delta("assistant", ""), null));
                Engine.Result result = run(job, exchange, piece -> {
                    if (tools == null) {
                        events.send(chunk(id, now, new Responses.Delta(null, piece), null));
                    } else {
                        tools.feed(piece).forEach(delta -> events.send(chunk(id, now, delta, null)));
                    }
                });
                String finishReason = finishReason(result, exchange);
                if (tools != null) {
                    tools.finish().forEach(delta -> events.send(chunk(id, now, delta, null)));
                    finishReason = tools.finishReason(finishReason);
                }
                events.send(chunk(id, now, new Responses.Delta(null, null), finishReason));
                if (generation.includeUsage()) {
                    events.send(new Responses.ChatChunk(id, "chat.completion.chunk", now, engine.modelId(), List.of(),
                            Responses.Usage.of(result)));
                }
            });
        }
    }

    void embeddings(Exchange exchange, Admission.Ticket ticket) {
        engine.checkTextSize(PromptScan.of(exchange.body(), json.getFactory(), "input", Set.of()).largest(), true, "input");
        Requests.Embeddings request = Requests.embeddings(read(exchange));
        checkModel(request.model());
        ticket.awaitSlot(exchange.cancellation(), requestTimeoutMillis);
        Engine.Embedded embedded = engine.embed(request.inputs(), exchange.cancellation());
        List<Responses.Embedding> data = new ArrayList<>();
        for (int i = 0; i < embedded.vectors().size(); i++) {
            float[] vector = embedded.vectors().get(i);
            data.add(new Responses.Embedding("embedding", i, request.base64() ? base64(vector) : vector));
        }
        exchange.tokens(embedded.promptTokens(), 0);
        exchange.respond(200, new Responses.EmbeddingList("list", data, engine.modelId(),
                new Responses.EmbeddingUsage(embedded.promptTokens(), embedded.promptTokens())));
    }

    /**
     * Runs a streamed answer whose headers are out: a failure from here on can only be told in
     * the stream, as an error event, and is logged.
     */
    private void streamed(Exchange exchange, EventStream events, Runnable body) {
        try {
            body.run();
            events.done();
        } catch (ClientGoneException e) {
            throw e;
        } catch (ApiException e) {
            LOG.log(Level.WARNING, "streamed request " + exchange.path() + " failed after its stream began: " + e.getMessage());
            events.fail(e);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "streamed request " + exchange.path() + " failed after its stream began", e);
            events.fail(ApiException.internal(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    /** Runs the job, timing it for the metrics; a client that left, or a server stopping, ends it here. */
    private Engine.Result run(Engine.Job job, Exchange exchange, java.util.function.Consumer<String> pieces) {
        long[] firstPiece = {0};
        Engine.Result result = job.run(exchange.cancellation(), piece -> {
            if (firstPiece[0] == 0) {
                firstPiece[0] = System.nanoTime();
                exchange.firstToken();
            }
            pieces.accept(piece);
        });
        exchange.tokens(result.promptTokens(), result.completionTokens());
        metrics.generation(result.promptTokens(), result.cachedTokens(), result.completionTokens());
        if (firstPiece[0] != 0) {
            metrics.generationSpeed(result.completionTokens(), System.nanoTime() - firstPiece[0]);
        }
        Cancellation.Reason reason = exchange.cancellation().reason();
        if (reason == Cancellation.Reason.CLIENT_GONE) {
            throw new ClientGoneException();
        }
        if (reason == Cancellation.Reason.SHUTDOWN) {
            throw ApiException.shuttingDown();
        }
        return result;
    }

    /** A generation cut by the request time limit was cut for length, as far as the client can tell. */
    private static String finishReason(Engine.Result result, Exchange exchange) {
        return exchange.cancellation().reason() == Cancellation.Reason.TIMED_OUT ? "length" : result.finishReason();
    }

    private JsonNode read(Exchange exchange) {
        try {
            return json.readTree(exchange.body());
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(null, "The request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.invalid(null, "The request body could not be read: " + e.getMessage());
        }
    }

    private Responses.ChatChunk chunk(String id, long now, Responses.Delta delta, String finishReason) {
        return new Responses.ChatChunk(id, "chat.completion.chunk", now, engine.modelId(),
                List.of(new Responses.ChunkChoice(0, delta, finishReason, null)), null);
    }

    /** One model is served; a request for another is an error, as with OpenAI. */
    private void checkModel(String model) {
        if (!model.equals(engine.modelId())) {
            throw ApiException.modelNotFound(model, engine.modelId());
        }
    }

    /** OpenAI's base64 encoding: the float32 values, little-endian, base64. */
    private static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
