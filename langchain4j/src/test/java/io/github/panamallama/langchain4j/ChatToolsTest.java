package io.github.panamallama.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.fixture.BuiltFixtures;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tools in-process: {@link ToolSpecification}s in a {@link ChatRequest} give tool execution
 * requests in the {@link AiMessage}. The tiny random model never chooses a tool itself, so
 * {@link ToolChoice#REQUIRED} has the grammar write the call; the checks are on its shape and
 * on the arguments following the schema.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatToolsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CITIES = Set.of("Paris", "Oslo", "Lima");
    private static final ToolSpecification WEATHER = ToolSpecification.builder()
            .name("get_weather").description("The weather forecast for a city")
            .parameters(JsonObjectSchema.builder()
                    .addEnumProperty("city", List.of("Paris", "Oslo", "Lima"))
                    .addBooleanProperty("metric")
                    .required("city", "metric").build())
            .build();
    private LlamaModel llama;
    private PanamaLlamaChatModel chat;
    private PanamaLlamaStreamingChatModel streaming;

    @BeforeAll
    void load() {
        llama = LlamaModel.load(BuiltFixtures.tinyMistralF16());
        chat = PanamaLlamaChatModel.builder().model(llama).contextLength(1024).threads(1).temperature(0.0).maxToolCalls(1).build();
        streaming = PanamaLlamaStreamingChatModel.builder().model(llama).contextLength(1024).threads(1).temperature(0.0).maxToolCalls(1).build();
    }

    @AfterAll
    void close() {
        chat.close();
        streaming.close();
        llama.close();
    }

    private static ChatRequest request(ToolChoice choice, dev.langchain4j.data.message.ChatMessage... messages) {
        return ChatRequest.builder().messages(messages).toolSpecifications(WEATHER).toolChoice(choice).maxOutputTokens(100).build();
    }

    private static void assertFollowsSchema(ToolExecutionRequest call) throws Exception {
        assertEquals("get_weather", call.name());
        assertTrue(call.id().startsWith("call_"), call.id());
        JsonNode arguments = JSON.readTree(call.arguments());
        assertEquals(2, arguments.size(), arguments.toString());
        assertTrue(CITIES.contains(arguments.get("city").textValue()), arguments.toString());
        assertTrue(arguments.get("metric").isBoolean(), arguments.toString());
    }

    @Test
    void requiredGivesAToolExecutionRequestAndTheResultGetsAnAnswer() throws Exception {
        UserMessage question = UserMessage.from("Weather in Oslo?");
        ChatResponse first = chat.chat(request(ToolChoice.REQUIRED, question));
        assertEquals(FinishReason.TOOL_EXECUTION, first.finishReason());
        AiMessage calling = first.aiMessage();
        assertTrue(calling.hasToolExecutionRequests(), calling.toString());
        calling.toolExecutionRequests().forEach(call -> {
            try {
                assertFollowsSchema(call);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        ToolExecutionRequest call = calling.toolExecutionRequests().getFirst();
        ChatResponse answer = chat.chat(request(ToolChoice.AUTO, question, calling, ToolExecutionResultMessage.from(call, "-3 C, snow")));
        assertFalse(answer.aiMessage().hasToolExecutionRequests(), answer.aiMessage().toString());
        assertNotEquals(FinishReason.TOOL_EXECUTION, answer.finishReason());
        assertTrue(answer.tokenUsage().inputTokenCount() > first.tokenUsage().inputTokenCount() + first.tokenUsage().outputTokenCount(),
                "the call and its result are in the prompt");
    }

    @Test
    void streamingGivesTheSameCallsAndNoMarkerText() throws Exception {
        ChatResponse whole = chat.chat(request(ToolChoice.REQUIRED, UserMessage.from("Weather in Oslo?")));
        StringBuilder partial = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat(request(ToolChoice.REQUIRED, UserMessage.from("Weather in Oslo?")), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String text) {
                partial.append(text);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse streamed = done.get(60, TimeUnit.SECONDS);
        assertEquals("", partial.toString(), "the calls are not text");
        assertEquals(FinishReason.TOOL_EXECUTION, streamed.finishReason());
        List<String> wholeCalls = whole.aiMessage().toolExecutionRequests().stream().map(c -> c.name() + c.arguments()).toList();
        List<String> streamedCalls = streamed.aiMessage().toolExecutionRequests().stream().map(c -> c.name() + c.arguments()).toList();
        assertEquals(wholeCalls, streamedCalls);
    }

    @Test
    void noneHidesTheToolsAndNeverCalls() {
        ChatResponse none = chat.chat(request(ToolChoice.NONE, UserMessage.from("Weather in Oslo?")));
        ChatResponse plain = chat.chat(ChatRequest.builder().messages(UserMessage.from("Weather in Oslo?")).maxOutputTokens(100).build());
        assertFalse(none.aiMessage().hasToolExecutionRequests());
        assertEquals(plain.aiMessage().text(), none.aiMessage().text());
    }

    @Test
    void requiredWithoutToolsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> chat.chat(ChatRequest.builder()
                .messages(UserMessage.from("Hi")).toolChoice(ToolChoice.REQUIRED).build()));
        assertTrue(e.getMessage().contains("REQUIRED"), e.getMessage());
    }
}
