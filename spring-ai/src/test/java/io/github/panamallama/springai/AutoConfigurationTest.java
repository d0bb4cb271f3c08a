package io.github.panamallama.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.panamallama.LlamaModel;
import io.github.panamallama.PoolingType;
import io.github.panamallama.fixture.BuiltFixtures;
import io.github.panamallama.springai.autoconfigure.PanamaLlamaAutoConfiguration;
import io.github.panamallama.springai.autoconfigure.PanamaLlamaProperties;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Which beans the auto-configuration makes for which properties, and how the properties bind. */
class AutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PanamaLlamaAutoConfiguration.class));

    private static String modelPath() {
        return "spring.ai.panama-llama.model-path=" + BuiltFixtures.tinyMistralF16();
    }

    @Test
    void noModelPathNoBeans() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(LlamaModel.class);
            assertThat(context).doesNotHaveBean(ChatModel.class);
            assertThat(context).doesNotHaveBean(EmbeddingModel.class);
            assertThat(context).doesNotHaveBean(ChatClientCustomizer.class);
        });
    }

    @Test
    void propertiesBindAndReachTheModels() {
        runner.withPropertyValues(modelPath(),
                "spring.ai.panama-llama.context-length=512",
                "spring.ai.panama-llama.threads=1",
                "spring.ai.panama-llama.gpu-layers=0",
                "spring.ai.panama-llama.pool-size=2",
                "spring.ai.panama-llama.chat-template=chatml",
                "spring.ai.panama-llama.chat.temperature=0.2",
                "spring.ai.panama-llama.chat.top-p=0.9",
                "spring.ai.panama-llama.chat.top-k=20",
                "spring.ai.panama-llama.chat.min-p=0.1",
                "spring.ai.panama-llama.chat.max-tokens=33",
                "spring.ai.panama-llama.chat.stop-sequences=END,STOP",
                "spring.ai.panama-llama.chat.frequency-penalty=0.5",
                "spring.ai.panama-llama.chat.presence-penalty=0.25",
                "spring.ai.panama-llama.chat.repeat-penalty=1.1",
                "spring.ai.panama-llama.chat.seed=42",
                "spring.ai.panama-llama.embedding.pool-size=3",
                "spring.ai.panama-llama.embedding.max-segment-tokens=64",
                "spring.ai.panama-llama.embedding.pooling=last").run(context -> {
            assertThat(context).hasNotFailed();
            PanamaLlamaProperties properties = context.getBean(PanamaLlamaProperties.class);
            assertThat(properties.getModelPath()).isEqualTo(BuiltFixtures.tinyMistralF16());
            assertThat(properties.getContextLength()).isEqualTo(512);
            assertThat(properties.getThreads()).isEqualTo(1);
            assertThat(properties.getGpuLayers()).isZero();
            assertThat(properties.getPoolSize()).isEqualTo(2);
            assertThat(properties.getChatTemplate()).isEqualTo("chatml");
            assertThat(properties.getEmbedding().getPoolSize()).isEqualTo(3);
            assertThat(properties.getEmbedding().getMaxSegmentTokens()).isEqualTo(64);
            assertThat(properties.getEmbedding().getPooling()).isEqualTo(PoolingType.LAST);

            PanamaLlamaChatOptions defaults = context.getBean(PanamaLlamaChatModel.class).getOptions();
            assertThat(defaults.getModel()).isEqualTo("tiny-mistral-f16");
            assertThat(defaults.getTemperature()).isEqualTo(0.2);
            assertThat(defaults.getTopP()).isEqualTo(0.9);
            assertThat(defaults.getTopK()).isEqualTo(20);
            assertThat(defaults.getMinP()).isEqualTo(0.1);
            assertThat(defaults.getMaxTokens()).isEqualTo(33);
            assertThat(defaults.getStopSequences()).containsExactly("END", "STOP");
            assertThat(defaults.getFrequencyPenalty()).isEqualTo(0.5);
            assertThat(defaults.getPresencePenalty()).isEqualTo(0.25);
            assertThat(defaults.getRepeatPenalty()).isEqualTo(1.1);
            assertThat(defaults.getSeed()).isEqualTo(42L);

            // The embedding context is max-segment-tokens long: a longer text is refused, naming the limit.
            PanamaLlamaEmbeddingModel embedding = context.getBean(PanamaLlamaEmbeddingModel.class);
            String longText = "llama ".repeat(100);
            org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                    .isThrownBy(() -> embedding.embed(longText))
                    .withMessageContaining("at most 64");
            // The max-tokens default reaches generation.
            var response = context.getBean(ChatModel.class).call(new org.springframework.ai.chat.prompt.Prompt("Hello"));
            assertThat(response.getMetadata().getUsage().getCompletionTokens()).isLessThanOrEqualTo(33);
        });
    }

    @Test
    void aBadPropertyFailsStartupNamingIt() {
        runner.withPropertyValues(modelPath(), "spring.ai.panama-llama.chat.top-p=1.5").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("topP");
        });
        runner.withPropertyValues(modelPath(), "spring.ai.panama-llama.chat-template=no-such-template").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("no-such-template");
        });
    }

    @Test
    void oneModelIsSharedByChatAndEmbeddings() {
        runner.withPropertyValues(modelPath()).run(context -> {
            LlamaModel model = context.getBean(LlamaModel.class);
            assertThat(context.getBean(PanamaLlamaChatModel.class).model()).isSameAs(model);
            assertThat(context).hasSingleBean(PanamaLlamaEmbeddingModel.class);
            assertThat(context).hasSingleBean(ChatClientCustomizer.class);
        });
    }

    @Test
    void anEmbeddingModelPathAloneMakesOnlyTheEmbeddingModel() {
        runner.withPropertyValues("spring.ai.panama-llama.embedding.model-path=" + BuiltFixtures.tinyMistralF16()).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(EmbeddingModel.class);
            assertThat(context).doesNotHaveBean(ChatModel.class);
            assertThat(context).doesNotHaveBean(LlamaModel.class);
            assertThat(context.getBean(EmbeddingModel.class).embed("hello")).hasSize(256);
        });
    }

    @Test
    void anotherSelectedProviderSwitchesOursOff() {
        runner.withPropertyValues(modelPath(), "spring.ai.model.chat=openai", "spring.ai.model.embedding=none")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(ChatModel.class);
                    assertThat(context).doesNotHaveBean(EmbeddingModel.class);
                    assertThat(context).doesNotHaveBean(ChatClientCustomizer.class);
                });
    }

    @Test
    void nativeStructuredOutputCanBeSwitchedOff() {
        runner.withPropertyValues(modelPath(), "spring.ai.panama-llama.chat.native-structured-output=false")
                .run(context -> {
                    assertThat(context).hasSingleBean(ChatModel.class);
                    assertThat(context).doesNotHaveBean(ChatClientCustomizer.class);
                });
    }

    @Test
    void aMissingModelFileFailsStartupNamingTheFile() {
        runner.withPropertyValues("spring.ai.panama-llama.model-path=/nonexistent/model.gguf").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("/nonexistent/model.gguf");
        });
    }

    @Test
    void configurationMetadataIsGenerated() throws Exception {
        try (var in = PanamaLlamaAutoConfiguration.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            String json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            for (String property : List.of("spring.ai.panama-llama.model-path", "spring.ai.panama-llama.context-length",
                    "spring.ai.panama-llama.threads", "spring.ai.panama-llama.gpu-layers",
                    "spring.ai.panama-llama.pool-size", "spring.ai.panama-llama.chat.temperature",
                    "spring.ai.panama-llama.embedding.model-path")) {
                assertThat(json).contains("\"" + property + "\"");
            }
        }
    }
}
