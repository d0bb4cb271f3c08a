package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A LangChain4j AI service with an {@code @Tool} method, on LangChain4j's own OpenAI chat model,
 * against the running server: the service sends the tool's specification, the server answers
 * with a call, LangChain4j runs the method with the parsed arguments, sends the result back and
 * returns the final answer.
 *
 * <p>The tiny random model never chooses a tool itself, so the chat model is wrapped to ask for
 * {@code tool_choice: required} on the turn that follows the user's message (as an application
 * forces a tool); the turn after the tool result is left to {@code auto}.
 */
class ServerToolsAiServiceTest {
    @RegisterExtension
    static final ServerFixture server = ServerFixture.tinyMistral(1, 8);

    enum City { PARIS, OSLO, LIMA }

    static final class Forecasts {
        final List<City> asked = new CopyOnWriteArrayList<>();

        @Tool("The weather forecast for a city")
        String forecast(@P("the city") City city) {
            asked.add(city);
            return "Sunny in " + city;
        }
    }

    interface Assistant {
        String chat(String question);
    }

    /** Forces a call on the first turn, through the request's own tool_choice. */
    record FirstTurnCallsATool(ChatModel delegate, List<ChatRequest> requests) implements ChatModel {
        @Override
        public ChatResponse chat(ChatRequest request) {
            requests.add(request);
            if (request.messages().getLast() instanceof UserMessage) {
                request = ChatRequest.builder().messages(request.messages()).parameters(request.parameters()
                        .overrideWith(ChatRequestParameters.builder().toolChoice(ToolChoice.REQUIRED).build())).build();
            }
            return delegate.chat(request);
        }

        @Override
        public ChatResponse chat(ChatRequest request, ChatRequestOptions options) {
            return chat(request);
        }

        @Override
        public ChatRequestParameters defaultRequestParameters() {
            return delegate.defaultRequestParameters();
        }
    }

    @Test
    void aToolMethodIsCalledWithTheModelsArgumentsAndTheServiceAnswers() {
        ChatModel openAi = OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey("unused").modelName("tiny-mistral")
                .temperature(0.0).maxCompletionTokens(60).maxRetries(0).build();
        Forecasts forecasts = new Forecasts();
        List<ChatRequest> requests = new CopyOnWriteArrayList<>();
        Assistant assistant = AiServices.builder(Assistant.class)
                .chatModel(new FirstTurnCallsATool(openAi, requests)).tools(forecasts).build();

        String answer = assistant.chat("What is the weather in Oslo?");

        assertNotNull(answer);
        assertEquals(1, forecasts.asked.size(), "the @Tool method ran once, with a city the schema allows: " + forecasts.asked);
        assertEquals(2, requests.size(), "one turn for the call, one for the answer");
        ChatRequest second = requests.get(1);
        assertTrue(second.messages().getLast() instanceof ToolExecutionResultMessage result
                && result.text().equals("Sunny in " + forecasts.asked.getFirst()), second.messages().toString());
    }
}
