package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.models.Model;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.GenerationOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server as a newcomer meets it: started with only {@code --model} and a port, asked through
 * the official OpenAI Java SDK with nothing but a model and a message (no seed, temperature or
 * token limit).
 */
class ServerDefaultsTest {
    @RegisterExtension
    static final ServerFixture server = ServerFixture.withDefaults();

    private static final Set<String> FINISHED = Set.of("stop", "length");

    /** The model id a client finds: the file name without {@code .gguf}. */
    private static String modelId() {
        List<String> ids = server.client().models().list().data().stream().map(Model::id).toList();
        assertEquals(List.of("tiny-mistral-f16"), ids);
        return ids.getFirst();
    }

    @Test
    void chatCompletionWithDefaults() {
        ChatCompletion completion = server.client().chat().completions().create(
                ChatCompletionCreateParams.builder().model(modelId()).addUserMessage("Hello").build());
        ChatCompletion.Choice choice = completion.choices().getFirst();
        assertFalse(choice.message().content().orElse("").isEmpty(), "an answer");
        assertTrue(FINISHED.contains(choice.finishReason().asString()), choice.finishReason().asString());
        CompletionUsage usage = completion.usage().orElseThrow();
        assertTrue(usage.promptTokens() > 1, "prompt tokens " + usage.promptTokens());
        assertTrue(usage.completionTokens() >= 1, "completion tokens " + usage.completionTokens());
        // Without max_tokens the reply is bounded by the Java API's default, and cut exactly there.
        String reason = choice.finishReason().asString();
        assertEquals(reason.equals("length"), usage.completionTokens() == GenerationOptions.DEFAULT_MAX_TOKENS,
                reason + " after " + usage.completionTokens() + " tokens");
        assertTrue(usage.completionTokens() <= GenerationOptions.DEFAULT_MAX_TOKENS, "completion tokens " + usage.completionTokens());
        assertEquals(usage.promptTokens() + usage.completionTokens(), usage.totalTokens());
    }

    /** Defaults a newcomer relies on: loopback only, no key, health and metrics answering. */
    @Test
    void listensOnLoopbackWithHealthAndMetrics() throws Exception {
        assertTrue(server.baseUrl().startsWith("http://127.0.0.1:"), server.baseUrl());
        assertFalse(server.output().contains("API key required"), server.output());
        HttpClient http = HttpClient.newHttpClient();
        String root = server.baseUrl().replace("/v1", "");
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(root + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"status\":\"ok\""), health.body());
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(root + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
        Map<String, Double> samples = PrometheusText.parse(metrics.body());
        assertEquals(2.0, samples.get("panamallama_slots_total"), "the default --parallel");
    }

    /** A streamed request that cannot run is an error the SDK raises, not an empty stream. */
    @Test
    void streamedRequestThatCannotRunIsAnError() {
        BadRequestException error = assertThrows(BadRequestException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> stream = server.client().chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model(modelId()).addUserMessage("Hello").temperature(3.0).build())) {
                stream.stream().forEach(chunk -> {});
            }
        });
        assertEquals("temperature", error.param().orElseThrow(), error.getMessage());
    }

    @Test
    void streamedChatCompletionWithDefaults() {
        StringBuilder answer = new StringBuilder();
        List<String> finishReasons = new ArrayList<>();
        int[] chunks = {0};
        try (StreamResponse<ChatCompletionChunk> stream = server.client().chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(modelId()).addUserMessage("Hello").build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> {
                chunks[0]++;
                choice.delta().content().ifPresent(answer::append);
                choice.finishReason().ifPresent(reason -> finishReasons.add(reason.asString()));
            }));
        }
        assertFalse(answer.isEmpty(), "an answer");
        assertTrue(chunks[0] > 1, "streamed in pieces: " + chunks[0] + " chunks");
        assertEquals(1, finishReasons.size(), "one finish reason: " + finishReasons);
        assertTrue(FINISHED.contains(finishReasons.getFirst()), finishReasons.getFirst());
    }

    /**
     * The batched engine leaves one core to the server's connections: ggml's compute threads wait
     * for each other at spin barriers, so an event loop waking on a compute thread's core would
     * stall every token (README, "server").
     */
    @Test
    void leavesOneCoreForConnections() {
        int expected = Math.max(1, ContextOptions.defaultThreads() - 1);
        String startLine = server.output().lines().filter(line -> line.startsWith("serving ")).findFirst().orElseThrow();
        assertTrue(startLine.contains(", " + expected + " compute thread" + (expected == 1 ? "," : "s,")), startLine);
    }
}
