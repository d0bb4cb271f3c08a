package io.github.panamallama.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/** The four OpenAI endpoints: validate, run on the engine, answer in OpenAI's shapes. */
final class Endpoints {
    private final Engine engine;
    private final ObjectMapper json;
    private final long created = System.currentTimeMillis() / 1000;

    Endpoints(Engine engine, ObjectMapper json) {
        this.engine = engine;
        this.json = json;
    }

    Responses.ModelList models() {
        return new Responses.ModelList("list", List.of(new Responses.Model(engine.modelId(), "model", created, "panama-llama")));
    }

    void completions(JsonNode body, HttpExchange exchange) throws IOException {
        Requests.Completion request = Requests.completion(body, engine.contextLength());
        checkModel(request.model());
        String id = "cmpl-" + UUID.randomUUID();
        long now = System.currentTimeMillis() / 1000;
        Requests.Generation generation = request.generation();
        if (!generation.stream()) {
            Engine.Result result = engine.generate(request.prompt(), false, generation, piece -> {});
            JsonBody.send(exchange, json, 200, new Responses.Completion(id, "text_completion", now, engine.modelId(),
                    List.of(new Responses.TextChoice(0, result.text(), result.finishReason(), null)),
                    Responses.Usage.of(result.promptTokens(), result.completionTokens())));
            return;
        }
        try (EventStream events = new EventStream(exchange, json)) {
            Engine.Result result = engine.generate(request.prompt(), false, generation, piece ->
                    events.send(new Responses.Completion(id, "text_completion", now, engine.modelId(),
                            List.of(new Responses.TextChoice(0, piece, null, null)), null)));
            events.send(new Responses.Completion(id, "text_completion", now, engine.modelId(),
                    List.of(new Responses.TextChoice(0, "", result.finishReason(), null)),
                    generation.includeUsage() ? Responses.Usage.of(result.promptTokens(), result.completionTokens()) : null));
        }
    }

    void chat(JsonNode body, HttpExchange exchange) throws IOException {
        Requests.Chat request = Requests.chat(body, engine.contextLength());
        checkModel(request.model());
        String prompt = engine.chatPrompt(request.messages());
        String id = "chatcmpl-" + UUID.randomUUID();
        long now = System.currentTimeMillis() / 1000;
        Requests.Generation generation = request.generation();
        if (!generation.stream()) {
            Engine.Result result = engine.generate(prompt, true, generation, piece -> {});
            JsonBody.send(exchange, json, 200, new Responses.ChatCompletion(id, "chat.completion", now, engine.modelId(),
                    List.of(new Responses.ChatChoice(0, new Responses.Message("assistant", result.text()),
                            result.finishReason(), null)),
                    Responses.Usage.of(result.promptTokens(), result.completionTokens())));
            return;
        }
        try (EventStream events = new EventStream(exchange, json)) {
            events.send(chunk(id, now, new Responses.Delta("assistant", ""), null));
            Engine.Result result = engine.generate(prompt, true, generation, piece ->
                    events.send(chunk(id, now, new Responses.Delta(null, piece), null)));
            events.send(chunk(id, now, new Responses.Delta(null, null), result.finishReason()));
            if (generation.includeUsage()) {
                events.send(new Responses.ChatChunk(id, "chat.completion.chunk", now, engine.modelId(), List.of(),
                        Responses.Usage.of(result.promptTokens(), result.completionTokens())));
            }
        }
    }

    Responses.EmbeddingList embeddings(JsonNode body) {
        Requests.Embeddings request = Requests.embeddings(body);
        checkModel(request.model());
        Engine.Embedded embedded = engine.embed(request.inputs());
        List<Responses.Embedding> data = new ArrayList<>();
        for (int i = 0; i < embedded.vectors().size(); i++) {
            float[] vector = embedded.vectors().get(i);
            data.add(new Responses.Embedding("embedding", i, request.base64() ? base64(vector) : vector));
        }
        return new Responses.EmbeddingList("list", data, engine.modelId(),
                new Responses.EmbeddingUsage(embedded.promptTokens(), embedded.promptTokens()));
    }

    private Responses.ChatChunk chunk(String id, long now, Responses.Delta delta, String finishReason) {
        return new Responses.ChatChunk(id, "chat.completion.chunk", now, engine.modelId(),
                List.of(new Responses.ChunkChoice(0, delta, finishReason, null)), null);
    }

    /** One model is served; a request for another is an error, as with OpenAI. */
    private void checkModel(String model) {
        if (!model.equals(engine.modelId())) {
            throw new ApiException(404, "invalid_request_error", "model", "model_not_found",
                    "The model '" + model + "' does not exist; this server serves '" + engine.modelId() + "'.");
        }
    }

    /** OpenAI's base64 encoding: the float32 values, little-endian, base64. */
    private static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
