package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.SseException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A streamed request that cannot run is refused before the first byte, exactly as the same
 * request without {@code stream}; one that fails after its stream began gets an error event.
 */
class ServerStreamingErrorsTest {
    @RegisterExtension
    static final ServerFixture server = ServerFixture.tinyMistral(1, 2);

    private static final HttpClient http = HttpClient.newHttpClient();
    private static final ObjectMapper json = new ObjectMapper();

    /** Requests that cannot run, and the field each refusal must name. */
    private static final List<String[]> REFUSED = List.of(
            // Prompts longer than the 1024-token context: counted in tokens, and (longer still)
            // refused from their byte length alone.
            new String[] {"/completions", "{\"model\":\"tiny-mistral\",\"prompt\":\"" + "fox jumps ".repeat(900) + "\"}", "prompt"},
            new String[] {"/chat/completions", "{\"model\":\"tiny-mistral\",\"messages\":[{\"role\":\"user\",\"content\":\""
                    + "fox jumps ".repeat(1500) + "\"}]}", "messages"},
            // A JSON schema the grammar compiler refuses.
            new String[] {"/chat/completions", "{\"model\":\"tiny-mistral\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                    + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":"
                    + "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/definitions/missing\"}}}}}}",
                    "response_format.json_schema.schema"},
            new String[] {"/completions", "{\"model\":\"tiny-mistral\",\"prompt\":\"x\",\"seed\":4294967296}", "seed"},
            new String[] {"/completions", "{\"model\":\"tiny-mistral\",\"prompt\":\"x\",\"logit_bias\":{\"99999999\":1}}", "logit_bias"});

    @Test
    void streamedRequestsThatCannotRunGetTheSame4xxAsNonStreamed() throws Exception {
        for (String[] refused : REFUSED) {
            String path = refused[0];
            String plain = refused[1];
            String streamed = plain.substring(0, plain.length() - 1) + ",\"stream\":true}";
            HttpResponse<String> whole = post(path, plain);
            HttpResponse<String> stream = post(path, streamed);
            assertEquals(400, whole.statusCode(), whole.body());
            assertEquals(whole.statusCode(), stream.statusCode(), stream.body());
            assertEquals("application/json", stream.headers().firstValue("content-type").orElse(""), stream.body());
            JsonNode error = json.readTree(stream.body()).get("error");
            assertEquals(refused[2], error.get("param").textValue(), stream.body());
            assertEquals(json.readTree(whole.body()), json.readTree(stream.body()), "the same error, streamed or not");
        }
    }

    @Test
    void theSdkSeesAStreamedRefusalAsTheErrorItIs() {
        BadRequestException tooLong = assertThrows(BadRequestException.class, () -> {
            try (StreamResponse<Completion> stream = server.client().completions().createStreaming(CompletionCreateParams.builder()
                    .model("tiny-mistral").prompt("fox jumps ".repeat(1500)).maxTokens(4).build())) {
                stream.stream().forEach(chunk -> {});
            }
        });
        assertEquals(400, tooLong.statusCode());
        assertEquals("prompt", tooLong.param().orElseThrow(), tooLong.getMessage());
        assertTrue(tooLong.getMessage().contains("tokens"), tooLong.getMessage());

        BadRequestException seed = assertThrows(BadRequestException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> stream = server.client().chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model("tiny-mistral").addUserMessage("x").seed(-5L).build())) {
                stream.stream().forEach(chunk -> {});
            }
        });
        assertEquals("seed", seed.param().orElseThrow(), seed.getMessage());
    }

    /**
     * A failure after the stream began can only be told inside it: the server stops (grace 0)
     * while a long generation streams, and the client gets an OpenAI-shaped error event, which
     * the SDK raises; the server logs it.
     */
    @Test
    void aFailureAfterTheStreamBeganIsAnErrorEventAndIsLogged() throws Exception {
        try (ServerProcess stopping = ServerProcess.start(TestFixtures.tinyMistralF16(), 1, 0,
                List.of("--ctx-size", "8192", "--max-tokens", "8000", "--shutdown-grace", "0"));
             SdkClient sdk = SdkClient.of(stopping, "unused");
             StreamResponse<Completion> stream = sdk.api().completions().createStreaming(CompletionCreateParams.builder()
                     .model("tiny-mistral").prompt("Once").maxTokens(7000).temperature(1.0).seed(1).build())) {
            Iterator<Completion> chunks = stream.stream().iterator();
            assertFalse(chunks.next().choices().isEmpty(), "the stream began");
            Thread stopper = Thread.ofPlatform().start(() -> {
                try {
                    stopping.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            SseException error = assertThrows(SseException.class, () -> chunks.forEachRemaining(chunk -> {}));
            assertEquals("shutting_down", error.code().orElseThrow(), error.getMessage());
            stopper.join(60_000);
            // Logged in the access log (the JDK's logging is already shut down in a shutdown hook).
            assertTrue(stopping.output().contains("\"outcome\":\"failed\",\"stream\":true"), stopping.output());
            assertTrue(stopping.output().contains("\"error_code\":\"shutting_down\""), stopping.output());
        }
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
