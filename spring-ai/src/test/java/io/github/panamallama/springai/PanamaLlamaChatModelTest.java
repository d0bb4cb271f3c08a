package io.github.panamallama.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.fixture.BuiltFixtures;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.embedding.observation.EmbeddingModelObservationContext;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.model.tool.ToolExecutionResult;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.function.FunctionToolCallback;

/** The chat model without Spring Boot: options, tools, observations and bad input. */
class PanamaLlamaChatModelTest {
    private static LlamaModel llama;
    private static PanamaLlamaChatModel chatModel;
    private static final List<Observation.Context> OBSERVED = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void load() {
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }

            @Override
            public void onStop(Observation.Context context) {
                OBSERVED.add(context);
            }
        });
        llama = LlamaModel.load(BuiltFixtures.tinyMistralF16());
        chatModel = PanamaLlamaChatModel.builder().model(llama).contextLength(1024).threads(1)
                .defaultOptions(PanamaLlamaChatOptions.builder().temperature(0.0).maxTokens(30).build())
                .observationRegistry(registry).build();
    }

    @AfterAll
    static void close() {
        chatModel.close();
        assertThat(llama.isClosed()).as("a lent model stays open for its owner").isFalse();
        llama.close();
    }

    private static String reply(ChatOptions options) {
        return chatModel.call(new Prompt("What is a llama?", options)).getResult().getOutput().getText();
    }

    @Test
    void stopSequencesEndTheReply() {
        String full = reply(PanamaLlamaChatOptions.builder().build());
        String stop = full.substring(full.length() / 2, full.length() / 2 + 3);
        String cut = reply(ChatOptions.builder().stopSequences(List.of(stop)).build());
        assertThat(cut).isEqualTo(full.substring(0, full.indexOf(stop)));
    }

    @Test
    void aSeedMakesSamplingRepeatable() {
        PanamaLlamaChatOptions seeded = PanamaLlamaChatOptions.builder().temperature(1.0).seed(7L).build();
        assertThat(reply(seeded)).isEqualTo(reply(seeded));
    }

    @Test
    void portableOptionsAreAppliedOverTheDefaults() {
        ChatResponse response = chatModel.call(new Prompt("What is a llama?", ChatOptions.builder().maxTokens(3).build()));
        assertThat(response.getMetadata().getUsage().getCompletionTokens()).isEqualTo(3);
        assertThat(response.getResult().getMetadata().getFinishReason()).isEqualTo("LENGTH");
    }

    @Test
    void badOptionsAreRefusedNamingTheOption() {
        assertThatIllegalArgumentException().isThrownBy(() -> reply(ChatOptions.builder().temperature(-1.0).build()))
                .withMessageContaining("temperature");
        assertThatIllegalArgumentException().isThrownBy(() -> reply(ChatOptions.builder().topP(0.0).build()))
                .withMessageContaining("topP");
        assertThatIllegalArgumentException().isThrownBy(() -> reply(ChatOptions.builder().maxTokens(0).build()))
                .withMessageContaining("maxTokens");
        assertThatIllegalArgumentException().isThrownBy(() -> reply(ChatOptions.builder().model("gpt-4o").build()))
                .withMessageContaining("gpt-4o");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> reply(PanamaLlamaChatOptions.builder().outputSchema("{\"type\": 12}").build()));
        assertThatIllegalArgumentException().isThrownBy(() -> chatModel.call(new Prompt(List.<Message>of())))
                .withMessageContaining("no messages");
    }

    @Test
    void anOutputSchemaIsEnforced() throws Exception {
        String schema = "{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"}},\"required\":[\"ok\"],"
                + "\"additionalProperties\":false}";
        String json = reply(PanamaLlamaChatOptions.builder().outputSchema(schema).maxTokens(100).build());
        assertThat(new ObjectMapper().readTree(json).get("ok").isBoolean()).as(json).isTrue();
    }

    record Verdict(@JsonProperty(required = true) boolean blue) {}

    /** Without the starter's customizer, a ChatClient asks for the provider's structured output per call. */
    @Test
    void chatClientCreateUsesTheGrammarWhenAskedForProviderStructuredOutput() {
        org.springframework.ai.chat.client.ChatClient chatClient =
                org.springframework.ai.chat.client.ChatClient.create(chatModel);
        Verdict verdict = chatClient.prompt().user("Is the sky blue?")
                .options(PanamaLlamaChatOptions.builder().maxTokens(40))
                .call().entity(Verdict.class, spec -> spec.useProviderStructuredOutput());
        assertThat(verdict).isNotNull();
    }

    enum City { LIMA, CUSCO, PUNO }

    record Forecast(@JsonProperty(required = true) City city, @JsonProperty(required = true) boolean tomorrow) {}

    /**
     * The tiny random model never chooses a tool itself, so {@link ToolChoice#REQUIRED} has the
     * grammar write the call (one call at most: random weights would otherwise wander through
     * the longest list the grammar allows); the checks are on its shape and its arguments.
     */
    @Test
    void toolCallsComeBackAndTheirResultsAreRead() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        ToolCallback weather = FunctionToolCallback.builder("weather", (Forecast forecast) -> {
                    runs.incrementAndGet();
                    return "sunny in " + forecast.city();
                })
                .description("The weather in a city")
                .inputType(Forecast.class)
                .build();
        try (PanamaLlamaChatModel tools = PanamaLlamaChatModel.builder().model(llama).contextLength(1024).threads(1)
                .maxToolCalls(1).defaultOptions(PanamaLlamaChatOptions.builder().temperature(0.0).maxTokens(100).build())
                .build()) {
            List<Message> history = new ArrayList<>(List.of(new UserMessage("Will it rain in Cusco tomorrow?")));
            Prompt asking = new Prompt(history, PanamaLlamaChatOptions.builder().toolCallbacks(weather)
                    .toolChoice(ToolChoice.REQUIRED).build());
            ChatResponse called = tools.call(asking);
            AssistantMessage calls = called.getResult().getOutput();
            assertThat(calls.hasToolCalls()).as(called.toString()).isTrue();
            assertThat(called.getResult().getMetadata().getFinishReason()).isEqualTo("TOOL_CALLS");
            AssistantMessage.ToolCall call = calls.getToolCalls().getFirst();
            assertThat(call.name()).isEqualTo("weather");
            assertThat(call.id()).startsWith("call_");
            assertThat(new ObjectMapper().readValue(call.arguments(), Forecast.class).city()).isNotNull();

            // Streamed, the same call arrives in the last response, and no piece of it is text.
            List<ChatResponse> streamed = tools.stream(asking).collectList().block();
            assertThat(streamed).allSatisfy(r -> assertThat(r.getResult().getOutput().getText()).isEmpty());
            assertThat(streamed.getLast().getResult().getOutput().getToolCalls())
                    .extracting(AssistantMessage.ToolCall::arguments).containsExactly(call.arguments());

            // Spring AI's own tool-calling manager runs the call and writes the result message.
            ToolExecutionResult executed = ToolCallingManager.builder().build().executeToolCalls(asking, called);
            assertThat(runs.get()).isEqualTo(1);
            assertThat(executed.conversationHistory().getLast()).isInstanceOf(ToolResponseMessage.class);

            ChatResponse answered = tools.call(new Prompt(executed.conversationHistory(),
                    PanamaLlamaChatOptions.builder().toolCallbacks(weather).build()));
            assertThat(answered.getResult().getOutput().hasToolCalls()).isFalse(); // AUTO: random weights never write the marker
            assertThat(answered.getMetadata().getUsage().getPromptTokens())
                    .as("the call and its result are in the prompt")
                    .isGreaterThan(called.getMetadata().getUsage().getPromptTokens()
                            + called.getMetadata().getUsage().getCompletionTokens());
        }
    }

    @Test
    void requiredToolChoiceWithoutToolsIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> reply(PanamaLlamaChatOptions.builder().toolChoice(ToolChoice.REQUIRED).build()))
                .withMessageContaining("REQUIRED");
    }

    @Test
    void callsAndStreamsAreObservedWithTheirUsage() {
        OBSERVED.clear();
        ChatResponse called = chatModel.call(new Prompt("Hello"));
        List<ChatResponse> streamed = chatModel.stream(new Prompt("Hello")).collectList().block();
        // The stream's observation stops after its last signal, which may be just after block() returns.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (OBSERVED.size() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        List<ChatModelObservationContext> chats = OBSERVED.stream()
                .filter(ChatModelObservationContext.class::isInstance).map(ChatModelObservationContext.class::cast).toList();
        assertThat(chats).hasSize(2);
        assertThat(chats.getFirst().isStreaming()).isFalse();
        assertThat(chats.getFirst().getResponse().getMetadata().getUsage())
                .isEqualTo(called.getMetadata().getUsage());
        assertThat(chats.get(1).isStreaming()).isTrue();
        assertThat(chats.get(1).getResponse().getMetadata().getUsage().getCompletionTokens())
                .isEqualTo(streamed.getLast().getMetadata().getUsage().getCompletionTokens());
        assertThat(chats).allSatisfy(c -> assertThat(c.getOperationMetadata().provider()).isEqualTo(PanamaLlamaChatModel.PROVIDER));
    }

    @Test
    void embeddingsAreObserved() {
        ObservationRegistry registry = ObservationRegistry.create();
        List<Observation.Context> seen = new CopyOnWriteArrayList<>();
        registry.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }

            @Override
            public void onStop(Observation.Context context) {
                seen.add(context);
            }
        });
        try (PanamaLlamaEmbeddingModel embeddings = PanamaLlamaEmbeddingModel.builder().model(llama)
                .observationRegistry(registry).build()) {
            embeddings.embed("Hello there");
            assertThat(seen).singleElement().isInstanceOfSatisfying(EmbeddingModelObservationContext.class,
                    c -> assertThat(c.getResponse().getMetadata().getUsage().getPromptTokens()).isGreaterThan(1));
        }
    }

    @Test
    void aLentModelClosedByItsOwnerIsRefusedNotCrashed() {
        LlamaModel own = LlamaModel.load(BuiltFixtures.tinyMistralF16());
        try (PanamaLlamaChatModel borrowing = PanamaLlamaChatModel.builder().model(own).contextLength(256).build();
                PanamaLlamaEmbeddingModel embedding = PanamaLlamaEmbeddingModel.builder().model(own).build()) {
            own.close();
            org.assertj.core.api.Assertions.assertThatIllegalStateException()
                    .isThrownBy(() -> borrowing.call(new Prompt("Hello")));
            org.assertj.core.api.Assertions.assertThatIllegalStateException()
                    .isThrownBy(() -> borrowing.stream(new Prompt("Hello")).blockLast());
            org.assertj.core.api.Assertions.assertThatIllegalStateException()
                    .isThrownBy(() -> embedding.embed("Hello"));
        }
    }

    @Test
    void cancellingAStreamStopsTheGeneration() {
        List<ChatResponse> first = chatModel.stream(new Prompt("Hello", ChatOptions.builder().maxTokens(200).build()))
                .take(2).collectList().block();
        assertThat(first).hasSize(2);
        // The context is free again: the next request does not wait for 200 tokens of the cancelled one.
        assertThat(chatModel.call(new Prompt("Hello")).getResult().getOutput().getText()).isNotEmpty();
    }
}
