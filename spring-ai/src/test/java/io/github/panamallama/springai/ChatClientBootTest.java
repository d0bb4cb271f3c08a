package io.github.panamallama.springai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.panamallama.fixture.BuiltFixtures;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Boot application on the tiny model, used as applications use Spring AI: the auto-configured
 * {@link ChatClient.Builder} and {@link EmbeddingModel}. Greedy sampling (temperature 0), so
 * the same prompt gives the same reply however it is asked for.
 */
@SpringBootTest(classes = TestApplication.class, properties = {
    "spring.ai.panama-llama.context-length=1024",
    "spring.ai.panama-llama.threads=1",
    "spring.ai.panama-llama.chat.temperature=0",
    // Room for the longest document the grammar allows: random weights wander through all of it.
    "spring.ai.panama-llama.chat.max-tokens=300",
})
class ChatClientBootTest {
    private static final Set<String> ENDED = Set.of("STOP", "LENGTH");

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        registry.add("spring.ai.panama-llama.model-path", () -> BuiltFixtures.tinyMistralF16().toString());
    }

    @Autowired
    ChatClient.Builder chatClientBuilder;

    @Autowired
    ChatModel chatModel;

    @Autowired
    EmbeddingModel embeddingModel;

    enum Kind { MAMMAL, BIRD, FISH }

    /**
     * Bounded fields: an enum, a boolean and a {@code long} (the schema of an {@code int} has no
     * range, so the grammar lets 16-digit integers through, and random weights write them).
     */
    record Animal(@JsonProperty(required = true) Kind kind, @JsonProperty(required = true) long legs,
            @JsonProperty(required = true) boolean domestic) {}

    @Test
    void theAutoConfiguredModelsAreOurs() {
        assertThat(chatModel).isInstanceOf(PanamaLlamaChatModel.class);
        assertThat(embeddingModel).isInstanceOf(PanamaLlamaEmbeddingModel.class);
        // One model file, loaded once, shared by both.
        assertThat(((PanamaLlamaEmbeddingModel) embeddingModel).toString()).contains("tiny-mistral-f16");
    }

    @Test
    void callContentAnswers() {
        ChatClient chatClient = chatClientBuilder.build();
        String content = chatClient.prompt().user("What is a llama?").call().content();
        assertThat(content).isNotBlank();
        assertThat(chatClient.prompt().user("What is a llama?").call().content()).isEqualTo(content); // greedy
    }

    @Test
    void callReportsUsageAndFinishReason() {
        ChatResponse response = chatClientBuilder.build().prompt()
                .options(PanamaLlamaChatOptions.builder().maxTokens(5))
                .user("What is a llama?").call().chatResponse();
        Usage usage = response.getMetadata().getUsage();
        assertThat(usage.getPromptTokens()).isGreaterThan(5); // the template's tokens and the question's
        assertThat(usage.getCompletionTokens()).isBetween(1, 5);
        assertThat(usage.getTotalTokens()).isEqualTo(usage.getPromptTokens() + usage.getCompletionTokens());
        assertThat(response.getResult().getMetadata().getFinishReason()).isIn(ENDED);
        assertThat(response.getMetadata().getModel()).isEqualTo("tiny-mistral-f16");
    }

    @Test
    void streamDeliversTheSameReplyInPieces() {
        ChatClient chatClient = chatClientBuilder.build();
        List<String> pieces = chatClient.prompt().user("What is a llama?").stream().content().collectList().block();
        assertThat(pieces).hasSizeGreaterThan(1);
        assertThat(String.join("", pieces)).isEqualTo(chatClient.prompt().user("What is a llama?").call().content());
    }

    @Test
    void streamEndsWithUsageAndFinishReason() {
        List<ChatResponse> responses = chatClientBuilder.build().prompt()
                .options(PanamaLlamaChatOptions.builder().maxTokens(6))
                .user("What is a llama?").stream().chatResponse().collectList().block();
        ChatResponse last = responses.getLast();
        assertThat(last.getResult().getMetadata().getFinishReason()).isIn(ENDED);
        assertThat(last.getMetadata().getUsage().getCompletionTokens()).isBetween(1, 6);
    }

    @Test
    void entityParsesIntoTheRecord() {
        ChatClient chatClient = chatClientBuilder.build();
        Animal animal = chatClient.prompt().user("A llama: four legs, lives on farms in the Andes.")
                .call().entity(Animal.class);
        assertThat(animal).isNotNull();
        assertThat(animal.kind()).isNotNull();
        assertThat(chatClient.prompt().user("A llama: four legs, lives on farms in the Andes.")
                .call().entity(Animal.class)).isEqualTo(animal); // greedy
    }

    @Test
    void embeddingModelEmbedsUnitVectors() {
        float[] llama = embeddingModel.embed("a llama in the Andes");
        float[] again = embeddingModel.embed("a llama in the Andes");
        float[] other = embeddingModel.embed("the price of copper in 1998");
        assertThat(llama).hasSize(256); // the tiny Mistral's embedding length
        assertThat(embeddingModel.dimensions()).isEqualTo(256);
        assertThat(again).containsExactly(llama);
        assertThat(other).isNotEqualTo(llama);
        double squares = 0;
        for (float x : llama) {
            squares += x * x;
        }
        assertThat(Math.sqrt(squares)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(embeddingModel.embedForResponse(List.of("one", "two")).getResults()).hasSize(2);
    }
}
