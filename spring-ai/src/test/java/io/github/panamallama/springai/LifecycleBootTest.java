package io.github.panamallama.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.github.panamallama.LlamaModel;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A whole Boot application started and closed: how long it takes, and what closing frees. */
class LifecycleBootTest {

    @Test
    void startsQuicklyAndClosingReleasesTheNativeModel() {
        long start = System.nanoTime();
        ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
                .properties("spring.ai.panama-llama.model-path=" + TinyModel.path(),
                        "spring.ai.panama-llama.chat.max-tokens=8")
                .run();
        long startMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("Spring Boot application with the tiny model started in " + startMillis
                + " ms (SpringApplication.run, model load and first contexts included)");

        LlamaModel model = context.getBean(LlamaModel.class);
        PanamaLlamaChatModel chatModel = context.getBean(PanamaLlamaChatModel.class);
        PanamaLlamaEmbeddingModel embeddingModel = context.getBean(PanamaLlamaEmbeddingModel.class);
        ChatClient chatClient = context.getBean(ChatClient.Builder.class).build();
        assertThat(chatClient.prompt().user("Hello").call().content()).isNotEmpty();
        assertThat(model.isClosed()).isFalse();

        context.close();

        assertThat(model.isClosed()).as("the LlamaModel bean is closed").isTrue();
        assertThat(chatModel.isClosed()).isTrue();
        assertThat(embeddingModel.isClosed()).isTrue();
        assertThatIllegalStateException().isThrownBy(() -> chatClient.prompt().user("Hello").call().content())
                .withMessageContaining("closed");
        assertThatIllegalStateException().isThrownBy(() -> embeddingModel.embed("Hello"))
                .withMessageContaining("closed");
    }
}
