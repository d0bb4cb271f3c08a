package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.github.panamallama.LlamaModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Request fields OpenAI clients send that once got a 400 or were silently ignored:
 * {@code tools: []}, {@code logprobs: false}, {@code logit_bias}, the {@code developer} role.
 */
class ServerRequestFieldsTest {
    @RegisterExtension
    static final ServerFixture server = ServerFixture.tinyMistral(1, 4);

    private static final HttpClient http = HttpClient.newHttpClient();
    private static final ObjectMapper json = new ObjectMapper();

    @Test
    void emptyToolsAndLogprobsFalseAskForNothingAndAreAccepted() throws Exception {
        String chat = "{\"model\":\"tiny-mistral\",\"max_tokens\":3,\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"tools\":[],\"tool_choice\":\"none\",\"logprobs\":false}";
        HttpResponse<String> accepted = post("/chat/completions", chat);
        assertEquals(200, accepted.statusCode(), accepted.body());
        assertEquals(200, post("/completions", "{\"model\":\"tiny-mistral\",\"prompt\":\"Hi\",\"max_tokens\":2,\"logprobs\":false}")
                .statusCode());
        // What they would ask for is still refused, naming the field.
        assertError(post("/chat/completions", chat.replace("\"logprobs\":false", "\"logprobs\":true")), "logprobs");
        assertError(post("/chat/completions", chat.replace("\"tools\":[]", "\"tools\":{\"f\":1}")), "tools");
        // A tool result must answer a call an earlier assistant message made.
        HttpResponse<String> tool = post("/chat/completions", "{\"model\":\"tiny-mistral\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"tool\",\"content\":\"42\",\"tool_call_id\":\"c1\"}]}");
        assertError(tool, "messages[1].tool_call_id");
        assertTrue(tool.body().contains("c1"), tool.body());
    }

    /** A +100 bias on one token makes greedy decoding pick it: the bias reaches the sampler. */
    @Test
    void logitBiasIsHonoured() throws Exception {
        String unbiased = firstToken("{}");
        int token;
        String piece;
        try (LlamaModel model = LlamaModel.load(TestFixtures.tinyMistralF16())) {
            int chosen = -1;
            for (int id = 300; id < model.vocabulary().size(); id++) {
                String text = model.vocabulary().tokenPiece(id);
                if (text.matches(" ?[a-z]{3,}") && !text.equals(unbiased)) {
                    chosen = id;
                    break;
                }
            }
            assertTrue(chosen > 0, "a plain word token in the vocabulary");
            token = chosen;
            piece = model.vocabulary().tokenPiece(token);
        }
        assertEquals(piece, firstToken("{\"" + token + "\": 100}"));
        assertNotEquals(piece, unbiased);
        assertError(post("/completions", "{\"model\":\"tiny-mistral\",\"prompt\":\"x\",\"logit_bias\":{\"5\":101}}"), "logit_bias");
        assertError(post("/completions", "{\"model\":\"tiny-mistral\",\"prompt\":\"x\",\"logit_bias\":{\"fox\":1}}"), "logit_bias");
    }

    /**
     * Each sampling value out of its range gets a 400 whose {@code param} and message name the
     * field, on both endpoints, streamed or not; the edges of each range are accepted.
     */
    @Test
    void outOfRangeSamplingValuesAreRefusedNamingTheField() throws Exception {
        Map<String, List<String>> refused = new LinkedHashMap<>();
        refused.put("temperature", List.of("-0.1", "2.5", "\"hot\""));
        refused.put("top_p", List.of("0", "0.0", "-0.5", "1.5", "\"all\""));
        refused.put("presence_penalty", List.of("-2.5", "3"));
        refused.put("frequency_penalty", List.of("-3", "2.01"));
        refused.put("seed", List.of("-1", "4294967296"));
        refused.put("max_tokens", List.of("0", "100000"));
        refused.put("n", List.of("0", "2"));
        String chat = "{\"model\":\"tiny-mistral\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";
        String completion = "{\"model\":\"tiny-mistral\",\"prompt\":\"Hi\"";
        for (Map.Entry<String, List<String>> field : refused.entrySet()) {
            for (String value : field.getValue()) {
                for (String stream : List.of("", ",\"stream\":true")) {
                    String setting = ",\"" + field.getKey() + "\":" + value + stream + "}";
                    assertNamed(post("/chat/completions", chat + setting), field.getKey());
                    assertNamed(post("/completions", completion + setting), field.getKey());
                }
            }
        }
        String edges = ",\"max_tokens\":1,\"temperature\":2,\"top_p\":0.001,\"presence_penalty\":-2,\"frequency_penalty\":2,"
                + "\"seed\":4294967295}";
        assertEquals(200, post("/completions", completion + edges).statusCode());
        assertEquals(200, post("/chat/completions", chat + edges).statusCode());
    }

    private static void assertNamed(HttpResponse<String> response, String field) throws Exception {
        assertError(response, field);
        String message = json.readTree(response.body()).at("/error/message").asText();
        assertTrue(message.contains("'" + field + "'"), "the message names " + field + ": " + message);
    }

    /** OpenAI's newer name for system instructions: the same prompt, so the same greedy answer. */
    @Test
    void theDeveloperRoleIsTheSystemRole() {
        String asDeveloper = server.client().chat().completions().create(ChatCompletionCreateParams.builder().model("tiny-mistral")
                .addDeveloperMessage("Answer in French.").addUserMessage("What is a fox?").maxCompletionTokens(8).temperature(0.0)
                .build()).choices().getFirst().message().content().orElseThrow();
        String asSystem = server.client().chat().completions().create(ChatCompletionCreateParams.builder().model("tiny-mistral")
                .addSystemMessage("Answer in French.").addUserMessage("What is a fox?").maxCompletionTokens(8).temperature(0.0)
                .build()).choices().getFirst().message().content().orElseThrow();
        assertEquals(asSystem, asDeveloper);
        assertTrue(!asSystem.isEmpty());
    }

    private static String firstToken(String logitBias) throws Exception {
        HttpResponse<String> response = post("/completions", "{\"model\":\"tiny-mistral\",\"prompt\":\"Once upon a time\","
                + "\"max_tokens\":1,\"temperature\":0,\"logit_bias\":" + logitBias + "}");
        assertEquals(200, response.statusCode(), response.body());
        return json.readTree(response.body()).at("/choices/0/text").asText();
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> response, String param) throws Exception {
        assertEquals(400, response.statusCode(), response.body());
        JsonNode error = json.readTree(response.body()).get("error");
        assertEquals(param, error.get("param").textValue(), response.body());
    }
}
