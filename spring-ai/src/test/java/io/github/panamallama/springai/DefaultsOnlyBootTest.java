package io.github.panamallama.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.panamallama.fixture.BuiltFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A newcomer's application: the model path and nothing else (default temperature, random
 * seed, default token limit, default context), used through ChatClient and EmbeddingModel.
 */
@SpringBootTest(classes = TestApplication.class)
class DefaultsOnlyBootTest {

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        registry.add("spring.ai.panama-llama.model-path", () -> BuiltFixtures.tinyMistralF16().toString());
    }

    @Autowired
    ChatClient.Builder chatClientBuilder;

    @Autowired
    EmbeddingModel embeddingModel;

    @Test
    void callAnswers() {
        ChatResponse response = chatClientBuilder.build().prompt().user("Hello").call().chatResponse();
        assertThat(response.getResult().getOutput().getText()).isNotEmpty();
        assertThat(response.getResult().getMetadata().getFinishReason()).isIn("STOP", "LENGTH");
        assertThat(response.getMetadata().getUsage().getCompletionTokens()).isBetween(1, 256);
    }

    @Test
    void streamAnswers() {
        List<String> pieces = chatClientBuilder.build().prompt().user("Hello").stream().content().collectList().block();
        assertThat(pieces).isNotEmpty();
        assertThat(String.join("", pieces)).isNotEmpty();
    }

    @Test
    void embeddingModelEmbeds() {
        assertThat(embeddingModel.embed("Hello")).hasSize(256);
    }
}
