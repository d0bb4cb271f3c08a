package io.github.panamallama.langchain4j;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import io.github.panamallama.ChatSession;
import io.github.panamallama.Completion;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.ModelLoadException;
import io.github.panamallama.StopReason;
import io.github.panamallama.fixture.BuiltFixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@link PanamaLlamaChatModel} through LangChain4j's {@link ChatModel} interface, on the tiny Mistral. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PanamaLlamaChatModelTest {
    private static final int CONTEXT = 256;
    private LlamaModel llama;
    private PanamaLlamaChatModel owned;
    private ChatModel model;

    @BeforeAll
    void load() {
        llama = LlamaModel.load(BuiltFixtures.tinyMistralF16());
        owned = PanamaLlamaChatModel.builder().model(llama).contextLength(CONTEXT).threads(1).temperature(0.0).build();
        model = owned;
    }

    @AfterAll
    void close() {
        owned.close();
        llama.close();
    }

    private static ChatRequest.Builder ask(String text) {
        return ChatRequest.builder().messages(UserMessage.from(text));
    }

    /** The same prompt on the plain API: the template text, BOS added, control tokens parsed. */
    private Completion plain(String prompt, int maxTokens) {
        try (LlamaContext context = llama.newContext(ContextOptions.builder().contextLength(CONTEXT).threads(1).build())) {
            return context.complete(prompt, GenerationOptions.builder().maxTokens(maxTokens).addSpecial(true).parseSpecial(true).build());
        }
    }

    @Test
    void greedyChatIsDeterministicAndMatchesChatSession() {
        ChatResponse first = model.chat(ask("Hello there").maxOutputTokens(16).build());
        ChatResponse second = model.chat(ask("Hello there").maxOutputTokens(16).build());
        assertEquals(first.aiMessage().text(), second.aiMessage().text());
        assertFalse(first.aiMessage().text().isEmpty());

        Completion expected;
        try (LlamaContext context = llama.newContext(ContextOptions.builder().contextLength(CONTEXT).threads(1).build())) {
            expected = ChatSession.create(context).send("Hello there", GenerationOptions.builder().maxTokens(16).build());
        }
        assertEquals(expected.text(), first.aiMessage().text());
        assertEquals(expected.tokens().length, first.tokenUsage().outputTokenCount());
        assertEquals(expected.timings().promptTokens(), first.tokenUsage().inputTokenCount());
        assertEquals(first.tokenUsage().inputTokenCount() + first.tokenUsage().outputTokenCount(),
                first.tokenUsage().totalTokenCount());
        assertEquals(expected.stopReason() == StopReason.MAX_TOKENS ? FinishReason.LENGTH : FinishReason.STOP,
                first.finishReason());
        assertEquals("tiny-mistral-f16", first.modelName());
    }

    @Test
    void conversationUsesMistralInstructFormatWhenTheModelHasNoTemplate() {
        assertEquals(ChatSession.FALLBACK_TEMPLATE, owned.chatTemplate());
        ChatResponse response = model.chat(ChatRequest.builder().messages(
                SystemMessage.from("Be brief."), UserMessage.from("Hi"), AiMessage.from("Hello"), UserMessage.from("How are you?"))
                .maxOutputTokens(12).build());
        Completion expected = plain(" [INST] Be brief.\n\nHi [/INST] Hello</s> [INST] How are you? [/INST]", 12);
        assertEquals(expected.text(), response.aiMessage().text());
        assertEquals(expected.timings().promptTokens(), response.tokenUsage().inputTokenCount());
    }

    @Test
    void stringShortcutGoesThroughTheSameGeneration() {
        assertEquals(model.chat(ask("Hello there").build()).aiMessage().text(), model.chat("Hello there"));
    }

    @Test
    void maxOutputTokensEndsWithLength() {
        ChatResponse response = model.chat(ask("Count").maxOutputTokens(3).build());
        assertEquals(3, response.tokenUsage().outputTokenCount());
        assertEquals(FinishReason.LENGTH, response.finishReason());
        String longer = model.chat(ask("Count").maxOutputTokens(10).build()).aiMessage().text();
        assertTrue(longer.startsWith(response.aiMessage().text()), longer);
    }

    @Test
    void builderMaxTokensIsTheDefaultAndTheRequestOverridesIt() {
        try (PanamaLlamaChatModel limited = PanamaLlamaChatModel.builder().model(llama).contextLength(CONTEXT).threads(1)
                .temperature(0.0).maxTokens(2).build()) {
            ChatModel chat = limited;
            assertEquals(2, chat.defaultRequestParameters().maxOutputTokens());
            assertEquals(2, chat.chat(ask("Count").build()).tokenUsage().outputTokenCount());
            assertEquals(5, chat.chat(ask("Count").maxOutputTokens(5).build()).tokenUsage().outputTokenCount());
        }
    }

    @Test
    void stopSequenceEndsTheReplyBeforeIt() {
        String full = model.chat(ask("Hello there").maxOutputTokens(16).build()).aiMessage().text();
        String stop = full.substring(8, 11);
        String expected = full.substring(0, full.indexOf(stop));
        ChatResponse response = model.chat(ask("Hello there").maxOutputTokens(16).stopSequences(List.of(stop)).build());
        assertEquals(expected, response.aiMessage().text());
        assertEquals(FinishReason.STOP, response.finishReason());
    }

    @Test
    void jsonSchemaResponseFormatGivesMatchingJson() throws Exception {
        JsonSchema schema = JsonSchema.builder().name("Answer").rootElement(JsonObjectSchema.builder()
                .addProperty("mood", JsonEnumSchema.builder().enumValues("happy", "sad").build())
                .addProperty("score", JsonIntegerSchema.builder().build())
                .required("mood", "score")
                .build()).build();
        ChatRequest request = ask("Describe your mood as JSON").maxOutputTokens(60)
                .responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(schema).build()).build();
        ChatResponse response = model.chat(request);
        assertEquals(FinishReason.STOP, response.finishReason(), response.aiMessage().text());
        JsonNode json = new ObjectMapper().readTree(response.aiMessage().text());
        assertEquals(Set.of("mood", "score"), setOf(json.fieldNames()));
        assertTrue(Set.of("happy", "sad").contains(json.get("mood").textValue()), json.toString());
        assertTrue(json.get("score").isIntegralNumber(), json.toString());
    }

    private static Set<String> setOf(java.util.Iterator<String> names) {
        java.util.Set<String> set = new java.util.HashSet<>();
        names.forEachRemaining(set::add);
        return set;
    }

    @Test
    void jsonResponseFormatWithoutSchemaGivesAJsonObject() throws Exception {
        ChatResponse response = model.chat(ask("Give JSON").maxOutputTokens(100).responseFormat(ResponseFormat.JSON).build());
        assertEquals(FinishReason.STOP, response.finishReason(), response.aiMessage().text());
        assertTrue(new ObjectMapper().readTree(response.aiMessage().text()).isObject(), response.aiMessage().text());
    }

    @Test
    void seededSamplingRepeats() {
        try (PanamaLlamaChatModel seeded = PanamaLlamaChatModel.builder().model(llama).contextLength(CONTEXT).threads(1)
                .temperature(1.0).topK(40).topP(0.95).seed(42L).maxTokens(12).build()) {
            ChatModel chat = seeded;
            String a = chat.chat(ask("Tell a story").build()).aiMessage().text();
            String b = chat.chat(ask("Tell a story").build()).aiMessage().text();
            assertEquals(a, b);
            String greedy = model.chat(ask("Tell a story").maxOutputTokens(12).build()).aiMessage().text();
            assertNotEquals(greedy, a, "temperature 1 with seed 42 happened to give the greedy text");
        }
    }

    @Test
    void concurrentRequestsGetTheRepliesSequentialOnesGet() throws Exception {
        List<String> prompts = List.of("Hello there", "Count", "Tell a story", "Why?");
        List<String> sequential = new java.util.ArrayList<>();
        for (String prompt : prompts) {
            sequential.add(model.chat(ask(prompt).maxOutputTokens(8).build()).aiMessage().text());
        }
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(prompts.size());
        try (PanamaLlamaChatModel shared = PanamaLlamaChatModel.builder().model(llama).contextLength(CONTEXT).threads(1)
                .temperature(0.0).maxConcurrentRequests(2).build()) {
            ChatModel chat = shared;
            List<java.util.concurrent.Future<String>> replies = new java.util.ArrayList<>();
            for (String prompt : prompts) {
                replies.add(threads.submit(() -> chat.chat(ask(prompt).maxOutputTokens(8).build()).aiMessage().text()));
            }
            for (int i = 0; i < prompts.size(); i++) {
                assertEquals(sequential.get(i), replies.get(i).get(120, java.util.concurrent.TimeUnit.SECONDS), prompts.get(i));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void listenersSeeRequestsResponsesAndErrors() {
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        dev.langchain4j.model.chat.listener.ChatModelListener listener = new dev.langchain4j.model.chat.listener.ChatModelListener() {
            @Override
            public void onRequest(dev.langchain4j.model.chat.listener.ChatModelRequestContext context) {
                events.add("request " + context.chatRequest().parameters().maxOutputTokens());
            }

            @Override
            public void onResponse(dev.langchain4j.model.chat.listener.ChatModelResponseContext context) {
                events.add("response " + context.chatResponse().tokenUsage().outputTokenCount());
            }

            @Override
            public void onError(dev.langchain4j.model.chat.listener.ChatModelErrorContext context) {
                events.add("error " + context.error().getClass().getSimpleName());
            }
        };
        try (PanamaLlamaChatModel observed = PanamaLlamaChatModel.builder().model(llama).contextLength(CONTEXT).threads(1)
                .temperature(0.0).maxTokens(3).listeners(List.of(listener)).build()) {
            ChatModel chat = observed;
            chat.chat(ask("Hi").build());
            assertThrows(IllegalArgumentException.class, () -> chat.chat(ask("Hi").topK(0).build()));
        }
        assertEquals(List.of("request 3", "response 3", "request 3", "error IllegalArgumentException"), events);
    }

    @Test
    void describesItselfToLangChain4j() {
        assertEquals(ModelProvider.OTHER, model.provider());
        assertEquals(Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA), model.supportedCapabilities());
        assertEquals("tiny-mistral-f16", model.defaultRequestParameters().modelName());
        assertEquals(0.0, model.defaultRequestParameters().temperature());
        assertEquals("tiny-mistral-f16", owned.modelName());
    }

    @Test
    void nonTextUserContentIsRejected() {
        UserMessage withImage = UserMessage.from(TextContent.from("What is this?"),
                ImageContent.from("aGVsbG8=", "image/png"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.chat(ChatRequest.builder().messages(withImage).build()));
        assertTrue(e.getMessage().contains("IMAGE") && e.getMessage().contains("message 0"), e.getMessage());
    }

    @Test
    void toolCallsAndResultsReachThePromptInTheToolFormat() {
        ToolExecutionRequest call = ToolExecutionRequest.builder().id("1").name("weather").arguments("{}").build();
        String prompt = ChatPrompt.format("mistral-v1", List.of(UserMessage.from("Weather?"), AiMessage.from(call),
                ToolExecutionResultMessage.from(call, "sunny")));
        assertTrue(prompt.contains("[TOOL_CALLS] [{\"name\":\"weather\",\"arguments\":{}}]"), prompt);
        assertTrue(prompt.contains("[TOOL_RESULTS] {\"call_id\":\"1\",\"name\":\"weather\",\"content\":\"sunny\"} [/TOOL_RESULTS]"), prompt);
    }

    @Test
    void anotherModelNameIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.chat(ask("Hi").modelName("gpt-4o").build()));
        assertTrue(e.getMessage().contains("gpt-4o") && e.getMessage().contains("tiny-mistral-f16"), e.getMessage());
    }

    @Test
    void badParametersNameTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.chat(ask("Hi").topP(1.5).build()));
        assertTrue(e.getMessage().contains("topP") && e.getMessage().contains("1.5"), e.getMessage());
        IllegalArgumentException atBuild = assertThrows(IllegalArgumentException.class,
                () -> PanamaLlamaChatModel.builder().model(llama).contextLength(CONTEXT).temperature(-1.0).build());
        assertTrue(atBuild.getMessage().contains("temperature"), atBuild.getMessage());
        IllegalArgumentException context = assertThrows(IllegalArgumentException.class,
                () -> PanamaLlamaChatModel.builder().model(llama).contextLength(-1).build());
        assertTrue(context.getMessage().contains("contextLength") && context.getMessage().contains("-1"), context.getMessage());
        IllegalArgumentException concurrency = assertThrows(IllegalArgumentException.class,
                () -> PanamaLlamaChatModel.builder().model(llama).maxConcurrentRequests(0).build());
        assertTrue(concurrency.getMessage().contains("maxConcurrentRequests"), concurrency.getMessage());
        assertFalse(llama.isClosed());
    }

    @Test
    void closedModelSaysSo() {
        PanamaLlamaChatModel temporary = PanamaLlamaChatModel.builder().modelPath(BuiltFixtures.tinyMistralF16()).contextLength(CONTEXT)
                .threads(1).temperature(0.0).build();
        ChatModel chat = temporary;
        assertEquals(2, chat.chat(ask("Hi").maxOutputTokens(2).build()).tokenUsage().outputTokenCount());
        temporary.close();
        temporary.close(); // idempotent
        assertTrue(temporary.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> chat.chat("Hi"));
        assertTrue(e.getMessage().contains("closed") && e.getMessage().contains("PanamaLlamaChatModel"), e.getMessage());
    }

    @Test
    void closingDoesNotCloseALentModel() {
        PanamaLlamaChatModel.builder().model(llama).contextLength(CONTEXT).threads(1).build().close();
        assertFalse(llama.isClosed());
    }

    @Test
    void builderNeedsExactlyOneModel() {
        IllegalArgumentException neither = assertThrows(IllegalArgumentException.class,
                () -> PanamaLlamaChatModel.builder().build());
        assertTrue(neither.getMessage().contains("neither"), neither.getMessage());
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> PanamaLlamaChatModel.builder().model(llama).modelPath(BuiltFixtures.tinyMistralF16()).build());
        assertTrue(both.getMessage().contains("both"), both.getMessage());
        Path missing = Path.of("no-such-model.gguf");
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> PanamaLlamaChatModel.builder().modelPath(missing).build());
        assertTrue(e.getMessage().contains("no-such-model.gguf"), e.getMessage());
    }

    @Test
    void aClosedLentModelIsRefusedAtBuild() {
        LlamaModel closed = LlamaModel.load(BuiltFixtures.tinyMistralF16());
        closed.close();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PanamaLlamaChatModel.builder().model(closed).build());
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void unsupportedTemplateFailsAtBuild() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PanamaLlamaChatModel.builder().model(llama).chatTemplate("no-such-template").build());
        assertTrue(e.getMessage().contains("no-such-template"), e.getMessage());
    }
}
