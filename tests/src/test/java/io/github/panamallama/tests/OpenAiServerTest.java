package io.github.panamallama.tests;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The OpenAI-compatible server over real HTTP on loopback, driven by the official OpenAI Java SDK. */
class OpenAiServerTest {
    @RegisterExtension
    static final ServerFixture server = ServerFixture.tinyMistral(2, 8);

    static final HttpClient http = HttpClient.newHttpClient();
    static final ObjectMapper json = new ObjectMapper();

    @Test
    void listsTheServedModel() {
        List<String> ids = server.client().models().list().data().stream().map(Model::id).toList();
        assertEquals(List.of("tiny-mistral"), ids);
    }

    @Test
    void greedyCompletionIsDeterministicAndCountsTokens() {
        CompletionCreateParams params = CompletionCreateParams.builder()
                .model("tiny-mistral").prompt("The quick brown fox").maxTokens(8).temperature(0.0).build();
        Completion first = server.client().completions().create(params);
        Completion second = server.client().completions().create(params);
        assertEquals(first.choices().getFirst().text(), second.choices().getFirst().text());
        assertFalse(first.choices().getFirst().text().isEmpty());
        var usage = first.usage().orElseThrow();
        assertTrue(usage.completionTokens() >= 1 && usage.completionTokens() <= 8, "completion tokens " + usage.completionTokens());
        assertEquals(usage.promptTokens() + usage.completionTokens(), usage.totalTokens());
    }

    @Test
    void streamedCompletionEqualsTheWholeOne() {
        CompletionCreateParams params = CompletionCreateParams.builder()
                .model("tiny-mistral").prompt("Once upon a time").maxTokens(10).temperature(0.0).build();
        String whole = server.client().completions().create(params).choices().getFirst().text();
        String streamed;
        try (StreamResponse<Completion> stream = server.client().completions().createStreaming(params)) {
            streamed = stream.stream().map(chunk -> chunk.choices().getFirst().text()).collect(Collectors.joining());
        }
        assertEquals(whole, streamed);
    }

    @Test
    void streamingChatEqualsTheWholeAnswer() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("tiny-mistral")
                .addSystemMessage("Answer briefly.").addUserMessage("What is a fox?")
                .maxCompletionTokens(12).temperature(0.0).build();
        ChatCompletion whole = server.client().chat().completions().create(params);
        String answer = whole.choices().getFirst().message().content().orElseThrow();
        assertFalse(answer.isEmpty());
        StringBuilder streamed = new StringBuilder();
        List<String> finishReasons = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = server.client().chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> {
                choice.delta().content().ifPresent(streamed::append);
                choice.finishReason().ifPresent(reason -> finishReasons.add(reason.asString()));
            }));
        }
        assertEquals(answer, streamed.toString());
        assertEquals(List.of(whole.choices().getFirst().finishReason().asString()), finishReasons);
    }

    @Test
    void jsonSchemaResponseFormatGivesParsableJson() throws Exception {
        String schema = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":10},"
                + "\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":120}},"
                + "\"required\":[\"name\",\"age\"],\"additionalProperties\":false}";
        for (long seed : new long[] {1, 2, 3}) {
            String body = "{\"model\":\"tiny-mistral\",\"seed\":" + seed + ",\"max_tokens\":80,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"A person as JSON\"}],"
                    + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"person\",\"schema\":" + schema + "}}}";
            HttpResponse<String> response = post("/chat/completions", body);
            assertEquals(200, response.statusCode(), response.body());
            JsonNode answer = json.readTree(json.readTree(response.body()).at("/choices/0/message/content").textValue());
            assertTrue(answer.get("name").isTextual() && answer.get("name").textValue().length() <= 10, answer.toString());
            int age = answer.get("age").intValue();
            assertTrue(answer.get("age").isInt() && age >= 0 && age <= 120, answer.toString());
            assertEquals(2, answer.size(), answer.toString());
        }
    }

    @Test
    void embeddingsAreUnitLengthInBothEncodings() {
        CreateEmbeddingResponse response = server.client().embeddings().create(EmbeddingCreateParams.builder()
                .model("tiny-mistral").inputOfArrayOfStrings(List.of("hello world", "the quick brown fox")).build());
        assertEquals(2, response.data().size());
        List<Float> first = response.data().get(0).embedding();
        assertEquals(256, first.size(), "the tiny model's embedding length");
        double norm = Math.sqrt(first.stream().mapToDouble(value -> value * value).sum());
        assertEquals(1.0, norm, 1e-4);
        assertTrue(response.usage().promptTokens() > 0);
        List<Float> again = server.client().embeddings().create(EmbeddingCreateParams.builder()
                .model("tiny-mistral").input("hello world").encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                .build()).data().getFirst().embedding();
        assertEquals(first, again, "deterministic, and the same through the float encoding");
    }

    @Test
    void concurrentStreamingClientsAllFinish() throws Exception {
        int clients = 4;
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                CompletionCreateParams params = CompletionCreateParams.builder().model("tiny-mistral")
                        .prompt("Story number " + i).maxTokens(24).temperature(0.0).build();
                results.add(pool.submit(() -> {
                    try (StreamResponse<Completion> stream = server.client().completions().createStreaming(params)) {
                        return stream.stream().map(chunk -> chunk.choices().getFirst().text()).collect(Collectors.joining());
                    }
                }));
            }
            for (int i = 0; i < clients; i++) {
                String text = results.get(i).get(120, TimeUnit.SECONDS);
                // Each stream must match the same request made alone: slots never mix sequences.
                String alone = server.client().completions().create(CompletionCreateParams.builder().model("tiny-mistral")
                        .prompt("Story number " + i).maxTokens(24).temperature(0.0).build()).choices().getFirst().text();
                assertEquals(alone, text, "client " + i);
            }
        }
    }

    @Test
    void fullQueueIs429AtOnce() throws Exception {
        try (ServerProcess small = ServerProcess.start(TestFixtures.tinyMistralF16(), 1, 0)) {
            String longRequest = "{\"model\":\"tiny-mistral\",\"prompt\":\"x\",\"max_tokens\":1000,\"stream\":true}";
            HttpRequest request = HttpRequest.newBuilder(URI.create(small.baseUrl() + "/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(longRequest)).build();
            HttpResponse<InputStream> running = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream events = running.body()) {
                assertEquals(200, running.statusCode());
                events.readNBytes(16); // the first event: the only slot is now busy
                HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(small.baseUrl() + "/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"tiny-mistral\",\"prompt\":\"y\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertError(refused, 429, null);
                assertTrue(refused.body().contains("queue_full"), refused.body());
                assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null), "how long to wait");
            }
        }
    }

    /**
     * One slot and no queue, and a client that sends each request as soon as it has the last
     * answer, streamed or not: the slot is free by then, so none is refused. (The place was once
     * freed only after the answer went out: a busy machine could delay that past the next request.)
     */
    @Test
    void backToBackRequestsOnOneSlotAreNeverRefused() throws Exception {
        try (ServerProcess small = ServerProcess.start(TestFixtures.tinyMistralF16(), 1, 0)) {
            for (int i = 0; i < 40; i++) {
                String body = "{\"model\":\"tiny-mistral\",\"prompt\":\"Request " + i + "\",\"max_tokens\":2"
                        + (i % 2 == 0 ? "}" : ",\"stream\":true}");
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(small.baseUrl() + "/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answer.statusCode(), "request " + i + ": " + answer.body());
            }
        }
    }

    @Test
    void unknownModelIs404WithOpenAiError() {
        NotFoundException error = assertThrows(NotFoundException.class, () -> server.client().completions().create(
                CompletionCreateParams.builder().model("gpt-4").prompt("x").maxTokens(1).build()));
        assertTrue(error.getMessage().contains("gpt-4"), error.getMessage());
    }

    @Test
    void invalidParameterIs400NamingIt() {
        BadRequestException error = assertThrows(BadRequestException.class, () -> server.client().completions().create(
                CompletionCreateParams.builder().model("tiny-mistral").prompt("x").maxTokens(1).temperature(7.0).build()));
        assertTrue(error.getMessage().contains("temperature"), error.getMessage());
    }

    @Test
    void malformedRequestsGetOpenAiShapedErrors() throws Exception {
        assertError(post("/completions", "{not json"), 400, null);
        assertError(post("/completions", "{\"model\":\"tiny-mistral\"}"), 400, "prompt");
        assertError(post("/completions", "{\"model\":\"tiny-mistral\",\"prompt\":\"x\",\"n\":3}"), 400, "n");
        assertError(post("/completions", "{\"model\":\"tiny-mistral\",\"prompt\":\"x\",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}"), 400, "stop");
        assertError(post("/chat/completions", "{\"model\":\"tiny-mistral\",\"messages\":[]}"), 400, "messages");
        assertError(post("/chat/completions", "{\"model\":\"tiny-mistral\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}"), 400, "messages[0].role");
        assertError(post("/embeddings", "{\"model\":\"tiny-mistral\",\"input\":[]}"), 400, "input");
        assertError(post("/completions", "{\"model\":\"tiny-mistral\",\"prompt\":\"x\",\"seed\":-1}"), 400, "seed");
        assertError(post("/completions", "{\"model\":\"tiny-mistral\",\"prompt\":\"x\",\"seed\":4294967296}"), 400, "seed");
        assertError(send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/completions")).GET().build()), 405, null);
        assertError(send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/nowhere")).GET().build()), 404, null);
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> response, int status, String param) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode error = json.readTree(response.body()).get("error");
        assertTrue(error.get("message").isTextual() && !error.get("message").textValue().isEmpty(), response.body());
        assertTrue(error.get("type").isTextual(), response.body());
        if (param != null) {
            assertEquals(param, error.get("param").textValue(), response.body());
        }
    }
}
