package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import io.github.panamallama.grammar.ToolCallFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tool calling against the running server with the official OpenAI Java SDK. The tiny fixture
 * model is random, so it never decides to call a function on its own; {@code required} and a
 * named function make the grammar write the whole reply as calls, which shows the calls are
 * well-formed and follow each function's schema. {@code auto} is shown not to disturb a reply
 * without the marker (it equals the same prompt's plain reply); the lazy grammar itself is shown
 * switching on at a trigger in {@code LazyGrammarTriggerTest}, and at the real marker, written by
 * a scripted model through this server, in {@code ServerToolChoiceAutoTest}.
 */
class ServerToolCallsTest {
    @RegisterExtension
    static final ServerFixture server = ServerFixture.tinyMistral(1, 8);

    private static final String MODEL = "tiny-mistral";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CITIES = Set.of("Paris", "Oslo", "Lima");

    static ChatCompletionFunctionTool weatherTool() {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name("get_weather").description("The weather forecast for a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(
                                "city", Map.of("type", "string", "enum", List.of("Paris", "Oslo", "Lima")),
                                "days", Map.of("type", "integer", "minimum", 1, "maximum", 7))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city", "days")))
                        .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                        .build())
                .build()).build();
    }

    static ChatCompletionFunctionTool clockTool() {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name("get_time").description("The time now")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(
                                "utc", Map.of("type", "boolean"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("utc")))
                        .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                        .build())
                .build()).build();
    }

    private static ChatCompletionCreateParams.Builder params() {
        return ChatCompletionCreateParams.builder().model(MODEL)
                .addUserMessage("What is the weather in Paris this week?")
                .addTool(weatherTool()).addTool(clockTool())
                .temperature(0.0).maxCompletionTokens(120);
    }

    /** Checks a call's arguments against its function's schema, field by field. */
    static void assertFollowsSchema(ChatCompletionMessageFunctionToolCall call) throws Exception {
        assertTrue(call.id().startsWith("call_"), call.id());
        JsonNode arguments = JSON.readTree(call.function().arguments());
        switch (call.function().name()) {
            case "get_weather" -> {
                assertEquals(Set.of("city", "days"), Set.copyOf(iterable(arguments.fieldNames())), arguments.toString());
                assertTrue(CITIES.contains(arguments.get("city").textValue()), arguments.toString());
                int days = arguments.get("days").intValue();
                assertTrue(arguments.get("days").isInt() && days >= 1 && days <= 7, arguments.toString());
            }
            case "get_time" -> {
                assertEquals(1, arguments.size(), arguments.toString());
                assertTrue(arguments.get("utc").isBoolean(), arguments.toString());
            }
            default -> throw new AssertionError("unknown function " + call.function().name());
        }
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    static List<ChatCompletionMessageFunctionToolCall> calls(ChatCompletion completion) {
        return completion.choices().getFirst().message().toolCalls().orElse(List.of()).stream()
                .map(call -> call.asFunction()).toList();
    }

    @Test
    void requiredCallRoundTripEndsInAnAnswer() throws Exception {
        ChatCompletion first = server.client().chat().completions().create(params()
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).parallelToolCalls(false).build());
        assertEquals("tool_calls", first.choices().getFirst().finishReason().asString());
        List<ChatCompletionMessageFunctionToolCall> calls = calls(first);
        assertEquals(1, calls.size(), first.toString());
        assertFollowsSchema(calls.getFirst());

        // The client runs the function and sends its result back, as an SDK agent loop does.
        ChatCompletionMessage assistant = first.choices().getFirst().message();
        ChatCompletion answer = server.client().chat().completions().create(params()
                .addMessage(assistant)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(calls.getFirst().id()).content("18 C, sunny").build())
                .build());
        ChatCompletionMessage reply = answer.choices().getFirst().message();
        assertTrue(reply.toolCalls().orElse(List.of()).isEmpty(), reply.toString());
        assertFalse(reply.content().orElse("").isEmpty(), reply.toString());
        assertNotEquals("tool_calls", answer.choices().getFirst().finishReason().asString());
        // The history's call and result reach the prompt: it is longer than the first one by more than the reply.
        assertTrue(answer.usage().orElseThrow().promptTokens() > first.usage().orElseThrow().promptTokens()
                + first.usage().orElseThrow().completionTokens());
    }

    @Test
    void streamedCallsAccumulateToTheWholeAnswer() throws Exception {
        ChatCompletionCreateParams request = params().toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED)
                .parallelToolCalls(false).build();
        ChatCompletion whole = server.client().chat().completions().create(request);
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk.Choice.Delta.ToolCall> deltas = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = server.client().chat().completions().createStreaming(request)) {
            stream.stream().forEach(chunk -> {
                accumulator.accumulate(chunk);
                chunk.choices().forEach(choice -> choice.delta().toolCalls().ifPresent(deltas::addAll));
            });
        }
        ChatCompletion streamed = accumulator.chatCompletion();
        assertEquals("tool_calls", streamed.choices().getFirst().finishReason().asString());
        List<ChatCompletionMessageFunctionToolCall> wholeCalls = calls(whole);
        List<ChatCompletionMessageFunctionToolCall> streamedCalls = calls(streamed);
        assertFalse(streamedCalls.isEmpty());
        assertEquals(wholeCalls.size(), streamedCalls.size());
        for (int i = 0; i < wholeCalls.size(); i++) {
            assertEquals(wholeCalls.get(i).function(), streamedCalls.get(i).function(), "call " + i);
            assertFollowsSchema(streamedCalls.get(i));
        }
        // OpenAI's shape: a call's first delta has its id, type and name; later ones only add arguments.
        long starts = deltas.stream().filter(delta -> delta.id().isPresent()).count();
        assertEquals(streamedCalls.size(), starts);
        assertTrue(deltas.size() > starts, "the arguments arrive in pieces");
        deltas.stream().filter(delta -> delta.id().isEmpty()).forEach(delta -> {
            assertTrue(delta.function().orElseThrow().name().isEmpty(), delta.toString());
            assertTrue(delta.function().orElseThrow().arguments().isPresent(), delta.toString());
        });
    }

    /**
     * With parallel calls allowed the random model keeps adding calls until {@code max_tokens}:
     * the reply is cut ({@code length}) and reports the calls that were complete.
     */
    @Test
    void callsCutByTheTokenLimitKeepTheCompleteOnes() throws Exception {
        ChatCompletion completion = server.client().chat().completions().create(params()
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build());
        assertEquals("length", completion.choices().getFirst().finishReason().asString());
        List<ChatCompletionMessageFunctionToolCall> calls = calls(completion);
        assertFalse(calls.isEmpty(), completion.toString());
        for (ChatCompletionMessageFunctionToolCall call : calls) {
            assertFollowsSchema(call);
        }
    }

    @Test
    void aNamedFunctionIsTheOneCalled() throws Exception {
        ChatCompletion completion = server.client().chat().completions().create(params()
                .toolChoice(ChatCompletionNamedToolChoice.builder()
                        .function(ChatCompletionNamedToolChoice.Function.builder().name("get_time").build()).build())
                .build());
        List<ChatCompletionMessageFunctionToolCall> calls = calls(completion);
        assertEquals(1, calls.size(), completion.toString());
        assertEquals("get_time", calls.getFirst().function().name());
        assertFollowsSchema(calls.getFirst());
        assertEquals("tool_calls", completion.choices().getFirst().finishReason().asString());
    }

    @Test
    void noneNeverCallsAndHidesTheTools() {
        ChatCompletion none = server.client().chat().completions().create(params()
                .toolChoice(ChatCompletionToolChoiceOption.Auto.NONE).build());
        ChatCompletion plain = server.client().chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
                .addUserMessage("What is the weather in Paris this week?").temperature(0.0).maxCompletionTokens(120).build());
        assertTrue(calls(none).isEmpty());
        assertNotEquals("tool_calls", none.choices().getFirst().finishReason().asString());
        assertEquals(plain.choices().getFirst().message().content(), none.choices().getFirst().message().content());
        assertEquals(plain.usage().orElseThrow().promptTokens(), none.usage().orElseThrow().promptTokens());
    }

    /**
     * Without the marker in the reply, {@code auto} changes nothing: the reply equals the plain
     * reply to the same prompt (the tool block written into the system message by hand), so the
     * lazy grammar stayed off.
     */
    @Test
    void autoWithoutTheMarkerIsThePlainReply() throws Exception {
        ChatCompletion auto = server.client().chat().completions().create(params()
                .toolChoice(ChatCompletionToolChoiceOption.Auto.AUTO).build());
        String block = ToolCallFormat.systemPrompt(List.of(
                new ToolCallFormat.Tool("get_weather", "The weather forecast for a city", JSON.readTree(
                        JSON.writeValueAsString(weatherTool().function().parameters().orElseThrow()._additionalProperties()))),
                new ToolCallFormat.Tool("get_time", "The time now", JSON.readTree(
                        JSON.writeValueAsString(clockTool().function().parameters().orElseThrow()._additionalProperties())))));
        ChatCompletion plain = server.client().chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
                .addSystemMessage(block)
                .addUserMessage("What is the weather in Paris this week?").temperature(0.0).maxCompletionTokens(120).build());
        assertEquals(plain.usage().orElseThrow().promptTokens(), auto.usage().orElseThrow().promptTokens(), "the same prompt");
        assertTrue(calls(auto).isEmpty());
        assertEquals(plain.choices().getFirst().message().content(), auto.choices().getFirst().message().content());
    }

    @Test
    void badToolRequestsAreRefusedNamingTheField() {
        BadRequestException unknown = assertThrows(BadRequestException.class, () -> server.client().chat().completions().create(params()
                .toolChoice(ChatCompletionNamedToolChoice.builder()
                        .function(ChatCompletionNamedToolChoice.Function.builder().name("launch").build()).build())
                .build()));
        assertTrue(unknown.getMessage().contains("tool_choice") && unknown.getMessage().contains("launch"), unknown.getMessage());
        BadRequestException orphan = assertThrows(BadRequestException.class, () -> server.client().chat().completions().create(params()
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId("call_nobody").content("42").build())
                .build()));
        assertTrue(orphan.getMessage().contains("call_nobody"), orphan.getMessage());
    }
}
