package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.models.Model;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What an operator uses: /health, /metrics, the access log, /v1/models/{id}, and the API key. */
class ServerOperationsTest {
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final ObjectMapper json = new ObjectMapper();
    private static final String KEY = "sk-test-" + Long.toHexString(System.nanoTime());
    /** A shared start of some hundred tokens, as a system prompt would be. */
    private static final String SHARED = "You are a careful assistant. Answer briefly and truthfully. ".repeat(10);

    @RegisterExtension
    static final ServerFixture server = ServerFixture.tinyMistral(2, 2).options("--ctx-size", "1024").apiKey(KEY);
    /** The same server without the prompt cache (and without a key). */
    @RegisterExtension
    static final ServerFixture uncached = ServerFixture.tinyMistral(1, 2).options("--ctx-size", "1024", "--no-prompt-cache");

    @Test
    void theApiKeyIsRequiredAndChecked() throws Exception {
        assertTrue(server.output().contains("API key required"), server.output());
        try (SdkClient wrong = SdkClient.of(server.process(), KEY + "x")) {
            UnauthorizedException refused = assertThrows(UnauthorizedException.class, () -> wrong.api().models().list());
            assertEquals("invalid_api_key", refused.code().orElseThrow());
        }
        assertEquals(401, get("/v1/models", null).statusCode());
        assertEquals(401, get("/metrics", "Bearer " + KEY.substring(1)).statusCode());
        assertEquals(401, get("/metrics", KEY).statusCode(), "the key without 'Bearer'");
        assertEquals(200, get("/metrics", "Bearer " + KEY).statusCode());
        assertEquals(200, get("/health", null).statusCode(), "health needs no key");
        assertEquals(List.of("tiny-mistral"), server.client().models().list().data().stream().map(Model::id).toList());
    }

    @Test
    void healthTellsTheSlots() throws Exception {
        HttpResponse<String> health = get("/health", null);
        assertEquals(200, health.statusCode());
        JsonNode body = json.readTree(health.body());
        assertEquals("ok", body.get("status").asText());
        assertEquals(2, body.get("slots_total").asInt());
        assertTrue(body.get("slots_busy").asInt() >= 0 && body.get("slots_busy").asInt() <= 2, health.body());
        assertTrue(body.get("queue_depth").isInt(), health.body());
    }

    @Test
    void oneModelByItsId() {
        Model model = server.client().models().retrieve("tiny-mistral");
        assertEquals("tiny-mistral", model.id());
        assertEquals("panama-llama", model.ownedBy());
        NotFoundException missing = assertThrows(NotFoundException.class, () -> server.client().models().retrieve("gpt-4o"));
        assertTrue(missing.getMessage().contains("gpt-4o"), missing.getMessage());
    }

    @Test
    void metricsParseAndCountWhatHappened() throws Exception {
        Map<String, Double> before = PrometheusText.parse(metrics());
        server.client().completions().create(CompletionCreateParams.builder().model("tiny-mistral").prompt("Hello")
                .maxTokens(5).temperature(0.0).build());
        try (StreamResponse<ChatCompletionChunk> stream = server.client().chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("tiny-mistral").addUserMessage("Hi").maxCompletionTokens(6)
                        .temperature(0.0).build())) {
            stream.stream().forEach(chunk -> {});
        }
        Map<String, Double> after = PrometheusText.parse(metrics());

        String completions = "panamallama_requests_total{endpoint=\"/v1/completions\",status=\"200\"}";
        assertEquals(before.getOrDefault(completions, 0.0) + 1, after.get(completions), after.toString());
        assertTrue(after.get("panamallama_generated_tokens_total") >= before.getOrDefault("panamallama_generated_tokens_total", 0.0) + 5,
                after.toString());
        assertTrue(after.get("panamallama_prompt_tokens_total") > before.getOrDefault("panamallama_prompt_tokens_total", 0.0));
        assertEquals(2.0, after.get("panamallama_slots_total"));
        for (String gauge : List.of("panamallama_queue_depth", "panamallama_slots_busy", "panamallama_connections_open")) {
            assertTrue(after.get(gauge) >= 0, gauge);
        }
        for (String histogram : List.of("panamallama_time_to_first_token_seconds", "panamallama_generation_tokens_per_second")) {
            double count = after.get(histogram + "_count");
            double countBefore = before.getOrDefault(histogram + "_count", 0.0);
            assertTrue(count >= countBefore + 1, histogram + " observed the generations: " + countBefore + " -> " + count);
            assertEquals(count, after.get(histogram + "_bucket{le=\"+Inf\"}"), histogram);
            double previous = 0;
            for (Map.Entry<String, Double> sample : after.entrySet()) {
                if (sample.getKey().startsWith(histogram + "_bucket")) {
                    assertTrue(sample.getValue() >= previous, "cumulative buckets: " + sample.getKey());
                    previous = sample.getValue();
                }
            }
            assertTrue(after.get(histogram + "_sum") > 0, histogram);
        }
    }

    /**
     * A request is counted before its answer reaches the client: a client that reads /metrics as
     * soon as it has its answer sees it, every time (the answer is written by the generation's
     * thread, the metrics read on another connection).
     */
    @Test
    void anAnswerIsCountedBeforeTheClientHasIt() throws Exception {
        String completions = "panamallama_requests_total{endpoint=\"/v1/completions\",status=\"200\"}";
        double count = PrometheusText.parse(metrics()).getOrDefault(completions, 0.0);
        for (int i = 0; i < 30; i++) {
            server.client().completions().create(CompletionCreateParams.builder().model("tiny-mistral").prompt("Hello " + i)
                    .maxTokens(1).build());
            count++;
            assertEquals(count, PrometheusText.parse(metrics()).get(completions), "after request " + i);
        }
    }

    /**
     * The prompt cache's counters move by what the requests' usage reports: a second request
     * that starts as the first did reuses its prefix, and counts as a hit with those tokens.
     */
    @Test
    void promptCacheHitsAndTokensAreCounted() throws Exception {
        Map<String, Double> before = PrometheusText.parse(metrics(server, KEY));
        long first = cachedTokens(server, SHARED + "What is a fox?");
        long second = cachedTokens(server, SHARED + "What is a hen?");
        Map<String, Double> after = PrometheusText.parse(metrics(server, KEY));

        System.out.printf("prompt cache: %d then %d cached tokens; hits %.0f -> %.0f, cached tokens %.0f -> %.0f%n", first, second,
                before.get("panamallama_prompt_cache_hits_total"), after.get("panamallama_prompt_cache_hits_total"),
                before.get("panamallama_prompt_cache_tokens_total"), after.get("panamallama_prompt_cache_tokens_total"));
        assertTrue(second >= 100, "the second request reused the shared start: " + second + " cached tokens");
        long hits = (first > 0 ? 1 : 0) + 1;
        assertEquals(before.get("panamallama_prompt_cache_hits_total") + hits, after.get("panamallama_prompt_cache_hits_total"),
                after.toString());
        assertEquals(before.get("panamallama_prompt_cache_tokens_total") + first + second,
                after.get("panamallama_prompt_cache_tokens_total"), after.toString());
        assertEquals(before.get("panamallama_generations_total") + 2, after.get("panamallama_generations_total"));
    }

    /** With {@code --no-prompt-cache} nothing is reused, and the cache's counters stay at 0. */
    @Test
    void withoutThePromptCacheItsCountersStayZero() throws Exception {
        assertEquals(0, cachedTokens(uncached, SHARED + "What is a fox?"));
        assertEquals(0, cachedTokens(uncached, SHARED + "What is a hen?"));
        Map<String, Double> after = PrometheusText.parse(metrics(uncached, null));
        assertEquals(0.0, after.get("panamallama_prompt_cache_hits_total"), after.toString());
        assertEquals(0.0, after.get("panamallama_prompt_cache_tokens_total"), after.toString());
        assertTrue(after.get("panamallama_generations_total") >= 2, after.toString());
    }

    /** A short greedy completion of {@code prompt}; the prompt tokens its usage says came from the cache. */
    private static long cachedTokens(ServerFixture target, String prompt) {
        CompletionUsage usage = target.client().completions().create(CompletionCreateParams.builder().model("tiny-mistral")
                .prompt(prompt).maxTokens(2).temperature(0.0).build()).usage().orElseThrow();
        return usage.promptTokensDetails().orElseThrow().cachedTokens().orElseThrow();
    }

    /** One JSON line per request on standard output, with what an operator needs. */
    @Test
    void theAccessLogHasAJsonLinePerRequest() throws Exception {
        long before = completionLines().size();
        server.client().completions().create(CompletionCreateParams.builder().model("tiny-mistral").prompt("Access log")
                .maxTokens(3).temperature(0.0).build());
        // The line is written once the answer is out, and earlier tests' lines are there too: wait for this one.
        long end = System.nanoTime() + 2_000_000_000L;
        while (completionLines().size() == before && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertTrue(completionLines().size() > before, server.output());
        JsonNode line = parse(completionLines().getLast());
        assertEquals("POST", line.get("method").asText());
        assertEquals(200, line.get("status").asInt());
        assertEquals("completed", line.get("outcome").asText());
        assertEquals(3, line.get("completion_tokens").asInt());
        assertTrue(line.get("prompt_tokens").asInt() > 0, line.toString());
        assertTrue(line.get("duration_ms").asLong() >= line.get("ttft_ms").asLong(), line.toString());
        assertTrue(line.get("time").asText().endsWith("Z"), line.toString());
        assertTrue(line.get("remote").asText().contains("127.0.0.1"), line.toString());
    }

    private static List<String> completionLines() {
        return server.output().lines().filter(l -> l.startsWith("{") && l.contains("\"path\":\"/v1/completions\"")).toList();
    }

    private static String metrics() throws Exception {
        return metrics(server, KEY);
    }

    private static String metrics(ServerFixture target, String key) throws Exception {
        HttpResponse<String> response = get(target, "/metrics", key == null ? null : "Bearer " + key);
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
        return response.body();
    }

    private static HttpResponse<String> get(String path, String authorization) throws Exception {
        return get(server, path, authorization);
    }

    private static HttpResponse<String> get(ServerFixture target, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.baseUrl().replace("/v1", "") + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode parse(String line) {
        try {
            return json.readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError(line, e);
        }
    }
}
