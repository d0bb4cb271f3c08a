package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import io.github.panamallama.fixture.ToolCallingGguf;
import io.github.panamallama.grammar.ToolCallFormat;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code tool_choice: auto}, the default when a request has {@code tools}, through the running
 * server and the official OpenAI Java SDK, with a model that writes the real
 * {@code [TOOL_CALLS]} marker by itself: {@link ToolCallingGguf}, scripted to start every reply
 * with the marker and then to close the call as soon as the grammar lets it. Nothing forces the
 * call: the lazy grammar switches on at the marker the model wrote, and the server reads the
 * reply back as calls.
 */
class ServerToolChoiceAutoTest {
    private static final String MODEL = "tool-calling";

    @RegisterExtension
    static final ServerFixture server = ServerFixture.of(ToolCallingGguf::get, 1, 4)
            .options("--ctx-size", "2048", "--max-tokens", "256", "--model-id", MODEL);

    /** A question with the two functions of {@link ServerToolCallsTest}, tool_choice left at its default. */
    private static ChatCompletionCreateParams.Builder params() {
        return ChatCompletionCreateParams.builder().model(MODEL)
                .addUserMessage("What is the weather in Paris this week?")
                .addTool(ServerToolCallsTest.weatherTool()).addTool(ServerToolCallsTest.clockTool())
                .temperature(0.0);
    }

    @Test
    void theModelsOwnMarkerGivesToolCalls() throws Exception {
        ChatCompletion completion = server.client().chat().completions().create(params().build());
        assertEquals("tool_calls", completion.choices().getFirst().finishReason().asString(), completion.toString());
        List<ChatCompletionMessageFunctionToolCall> calls = ServerToolCallsTest.calls(completion);
        assertEquals(1, calls.size(), completion.toString());
        ServerToolCallsTest.assertFollowsSchema(calls.getFirst());
        System.out.printf("tool_choice auto, the model's own marker: %s(%s), %d completion tokens%n",
                calls.getFirst().function().name(), calls.getFirst().function().arguments(),
                completion.usage().orElseThrow().completionTokens());
        assertTrue(completion.choices().getFirst().message().content().orElse("").isEmpty(),
                "no text before the marker: " + completion);
    }

    @Test
    void streamedTheCallsAreTheSame() throws Exception {
        ChatCompletionCreateParams request = params().build();
        ChatCompletion whole = server.client().chat().completions().create(request);
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        List<String> content = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = server.client().chat().completions().createStreaming(request)) {
            stream.stream().forEach(chunk -> {
                accumulator.accumulate(chunk);
                chunk.choices().forEach(choice -> choice.delta().content().filter(text -> !text.isEmpty()).ifPresent(content::add));
            });
        }
        ChatCompletion streamed = accumulator.chatCompletion();
        assertEquals("tool_calls", streamed.choices().getFirst().finishReason().asString(), streamed.toString());
        List<ChatCompletionMessageFunctionToolCall> wholeCalls = ServerToolCallsTest.calls(whole);
        List<ChatCompletionMessageFunctionToolCall> streamedCalls = ServerToolCallsTest.calls(streamed);
        assertEquals(1, streamedCalls.size(), streamed.toString());
        assertEquals(wholeCalls.getFirst().function(), streamedCalls.getFirst().function());
        ServerToolCallsTest.assertFollowsSchema(streamedCalls.getFirst());
        assertEquals(List.of(), content, "the marker and the call never reach the content");
    }

    /** The same model with {@code tool_choice: none}: its marker is only text, never read as a call. */
    @Test
    void withNoneTheMarkerIsPlainText() {
        ChatCompletion none = server.client().chat().completions().create(params()
                .toolChoice(ChatCompletionToolChoiceOption.Auto.NONE).maxCompletionTokens(3).build());
        assertTrue(ServerToolCallsTest.calls(none).isEmpty(), none.toString());
        assertEquals("length", none.choices().getFirst().finishReason().asString());
        assertEquals(ToolCallFormat.MARKER.repeat(3), none.choices().getFirst().message().content().orElseThrow());
    }

    /** Without tools at all the model is as scripted: the marker, again and again. */
    @Test
    void withoutToolsTheModelJustRepeatsTheMarker() {
        ChatCompletion plain = server.client().chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
                .addUserMessage("Hello").temperature(0.0).maxCompletionTokens(2).build());
        assertFalse(plain.choices().getFirst().message().toolCalls().isPresent()
                && !plain.choices().getFirst().message().toolCalls().get().isEmpty());
        assertEquals(ToolCallFormat.MARKER.repeat(2), plain.choices().getFirst().message().content().orElseThrow());
    }
}
