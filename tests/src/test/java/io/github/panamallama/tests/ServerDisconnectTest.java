package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No orphaned work: a client that hangs up (streamed or not) frees its slot at once; the
 * server's token cap and request time limit bound what any request can cost.
 */
class ServerDisconnectTest {
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final ObjectMapper json = new ObjectMapper();
    /** About 9 s of generation for the tiny model on two idle cores, if nothing stopped it. */
    private static final String LONG = "{\"model\":\"tiny-mistral\",\"prompt\":\"Once\",\"max_tokens\":7000,"
            + "\"temperature\":1.0,\"seed\":1";
    /** One slot: the next request can only start once the hung-up one has let go of it. */
    @RegisterExtension
    static final ServerFixture server = ServerFixture.tinyMistral(1, 2).options("--ctx-size", "8192", "--max-tokens", "8000");

    @BeforeAll
    static void warmUp() throws Exception {
        // The first requests of a fresh server and client pay class loading and compilation: one
        // request, and one hang-up with a request queued behind it, go first, unmeasured.
        firstTokenOfNextRequest();
        try (RawHttp client = new RawHttp(server.port())) {
            client.post("/v1/completions", LONG + ",\"stream\":true}");
            client.readUntil("\"text\":");
            Future<Long> next = nextRequest();
            client.close();
            next.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClientThatHangsUpOnAWholeAnswerFreesItsSlot() throws Exception {
        long hungUp;
        Future<Long> next;
        try (RawHttp client = new RawHttp(server.port())) {
            client.post("/v1/completions", LONG + "}");
            awaitHealth("slots_busy", 1);
            next = nextRequest();
            hungUp = System.nanoTime();
        }
        long startedAfter = next.get(30, TimeUnit.SECONDS) - hungUp;
        System.out.printf("non-streamed hang-up: the next request's first token came %d ms later%n", startedAfter / 1_000_000);
        assertTrue(startedAfter < 1_000_000_000L, "the next request started " + startedAfter / 1_000_000 + " ms after the hang-up");
        assertStoppedEarly(false);
    }

    @Test
    void aClientThatHangsUpOnAStreamFreesItsSlot() throws Exception {
        long hungUp;
        Future<Long> next;
        try (RawHttp client = new RawHttp(server.port())) {
            client.post("/v1/completions", LONG + ",\"stream\":true}");
            client.readUntil("\"text\":");
            next = nextRequest();
            hungUp = System.nanoTime();
        }
        long startedAfter = next.get(30, TimeUnit.SECONDS) - hungUp;
        System.out.printf("streamed hang-up: the next request's first token came %d ms later%n", startedAfter / 1_000_000);
        assertTrue(startedAfter < 1_000_000_000L, "the next request started " + startedAfter / 1_000_000 + " ms after the hang-up");
        assertStoppedEarly(true);
    }

    /** The access log tells the hung-up request ended early, with far fewer tokens than asked. */
    private static void assertStoppedEarly(boolean streamed) throws Exception {
        assertTrue(server.process().awaitOutput("\"outcome\":\"client_gone\",\"stream\":" + streamed, 5_000), server.output());
        JsonNode line = server.output().lines().filter(l -> l.contains("\"outcome\":\"client_gone\",\"stream\":" + streamed))
                .map(ServerDisconnectTest::parse).reduce((first, second) -> second).orElseThrow();
        assertTrue(line.get("completion_tokens").asInt() < 7000, line.toString());
    }

    @Test
    void theServersTokenCapBoundsEveryRequest() throws Exception {
        try (ServerProcess capped = ServerProcess.start(TestFixtures.tinyMistralF16(), 1, 0,
                List.of("--ctx-size", "1024", "--max-tokens", "8"));
             SdkClient sdk = SdkClient.of(capped, "unused")) {
            OpenAIClient client = sdk.api();
            Completion asked = client.completions().create(CompletionCreateParams.builder().model("tiny-mistral")
                    .prompt("Once").maxTokens(500).temperature(1.0).seed(3).build());
            assertEquals(8L, asked.usage().orElseThrow().completionTokens(), "max_tokens 500 lowered to the cap");
            assertEquals("length", asked.choices().getFirst().finishReason().asString());
            ChatCompletion silent = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("tiny-mistral").addUserMessage("Hello").temperature(1.0).seed(3L).build());
            assertTrue(silent.usage().orElseThrow().completionTokens() <= 8, "a chat without max_tokens gets the cap");
        }
    }

    @Test
    void theRequestTimeLimitEndsALongGeneration() throws Exception {
        try (ServerProcess limited = ServerProcess.start(TestFixtures.tinyMistralF16(), 1, 0,
                List.of("--ctx-size", "8192", "--max-tokens", "8000", "--request-timeout", "2"));
             SdkClient sdk = SdkClient.of(limited, "unused")) {
            OpenAIClient client = sdk.api();
            // Warm: the first request of a fresh server and client spends a second on start-up work.
            client.completions().create(CompletionCreateParams.builder().model("tiny-mistral").prompt("Once").maxTokens(2).build());
            long started = System.nanoTime();
            Completion cut = client.completions().create(CompletionCreateParams.builder().model("tiny-mistral")
                    .prompt("Once").maxTokens(7000).temperature(1.0).seed(1).build());
            long millis = (System.nanoTime() - started) / 1_000_000;
            long tokens = cut.usage().orElseThrow().completionTokens();
            assertEquals("length", cut.choices().getFirst().finishReason().asString());
            // About 9 s of work on idle cores; on a loaded machine the limit may even come before
            // the first token. Either way the answer comes at the limit, cut for length.
            assertTrue(tokens < 7000, tokens + " tokens");
            assertTrue(millis < 3_500, "answered after " + millis + " ms with a 2 s limit");
            System.out.printf("a 7000-token request under a 2 s limit: answered after %d ms with %d tokens%n", millis, tokens);
            assertTrue(limited.awaitOutput("\"outcome\":\"timed_out\"", 2_000), limited.output());
        }
    }

    /**
     * Sends a streamed request that queues behind the busy slot (it has waited once health
     * shows it queued); the future gives when its first generated text arrived (System.nanoTime()).
     */
    private static Future<Long> nextRequest() throws Exception {
        Future<Long> firstToken = CompletableFuture.supplyAsync(() -> {
            try {
                return firstTokenOfNextRequest();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, runnable -> Thread.ofPlatform().daemon().start(runnable));
        awaitHealth("queue_depth", 1);
        return firstToken;
    }

    private static long firstTokenOfNextRequest() throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"tiny-mistral\",\"prompt\":\"Hello\","
                                + "\"max_tokens\":4,\"stream\":true,\"temperature\":0}")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = events.readLine()) != null) {
                if (line.startsWith("data: {")) {
                    long at = System.nanoTime();
                    events.lines().forEach(rest -> {}); // the rest of the stream
                    return at;
                }
            }
        }
        throw new AssertionError("no event came");
    }

    private static void awaitHealth(String field, int value) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl().replace("/v1", "/health")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (json.readTree(health.body()).get(field).asInt() == value) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("health never showed " + field + " " + value);
    }

    private static JsonNode parse(String line) {
        try {
            return json.readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError(line, e);
        }
    }
}
