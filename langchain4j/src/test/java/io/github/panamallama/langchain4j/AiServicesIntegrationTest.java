package io.github.panamallama.langchain4j;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.fixture.BuiltFixtures;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The models where LangChain4j applications use them: behind AI services. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AiServicesIntegrationTest {
    private LlamaModel llama;
    private PanamaLlamaChatModel chatModel;
    private PanamaLlamaStreamingChatModel streamingModel;

    @BeforeAll
    void load() {
        llama = LlamaModel.load(BuiltFixtures.tinyMistralF16());
        chatModel = PanamaLlamaChatModel.builder().model(llama).contextLength(512).threads(1).temperature(0.0).maxTokens(40).build();
        streamingModel = PanamaLlamaStreamingChatModel.builder().model(llama).contextLength(512).threads(1).temperature(0.0)
                .maxTokens(40).build();
    }

    @AfterAll
    void close() {
        streamingModel.close();
        chatModel.close();
        llama.close();
    }

    interface Assistant {
        String chat(String message);
    }

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    enum Kind { MAMMAL, BIRD, FISH }

    /** Required components: LangChain4j leaves the others optional, and an empty object would do. */
    record Animal(@JsonProperty(required = true) Kind kind, @JsonProperty(required = true) long legs,
            @JsonProperty(required = true) boolean domestic) {}

    interface Classifier {
        Animal classify(String description);
    }

    @Test
    void textAssistantAnswersWhatTheModelAnswers() {
        Assistant assistant = AiServices.create(Assistant.class, (ChatModel) chatModel);
        assertEquals(((ChatModel) chatModel).chat("What is a llama?"), assistant.chat("What is a llama?"));
    }

    @Test
    void structuredOutputIsMappedIntoARecord() {
        // Room for the longest document the grammar allows (16-digit integers, bounded whitespace):
        // random weights wander through all of it.
        try (PanamaLlamaChatModel roomy = PanamaLlamaChatModel.builder().model(llama).contextLength(512).threads(1)
                .temperature(0.0).maxTokens(300).build()) {
            Classifier classifier = AiServices.create(Classifier.class, (ChatModel) roomy);
            Animal animal = classifier.classify("A llama: four legs, lives on farms in the Andes.");
            assertNotNull(animal.kind());
            assertEquals(animal, classifier.classify("A llama: four legs, lives on farms in the Andes.")); // greedy
        }
    }

    @Test
    void tokenStreamDeliversTheSameReply() throws Exception {
        StreamingAssistant assistant = AiServices.create(StreamingAssistant.class, (StreamingChatModel) streamingModel);
        StringBuilder text = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        assistant.chat("What is a llama?")
                .onPartialResponse(text::append)
                .onCompleteResponse(done::complete)
                .onError(done::completeExceptionally)
                .start();
        ChatResponse response = done.get(60, TimeUnit.SECONDS);
        assertEquals(response.aiMessage().text(), text.toString());
        assertEquals(((ChatModel) chatModel).chat("What is a llama?"), text.toString());
    }
}
