package io.github.panamallama.springai.autoconfigure;

import io.github.panamallama.LlamaModel;
import io.github.panamallama.ModelOptions;
import io.github.panamallama.springai.PanamaLlamaChatModel;
import io.github.panamallama.springai.PanamaLlamaChatOptions;
import io.github.panamallama.springai.PanamaLlamaEmbeddingModel;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.ai.chat.client.AdvisorParams;
import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.ai.chat.observation.ChatModelObservationConvention;
import org.springframework.ai.embedding.observation.EmbeddingModelObservationConvention;
import org.springframework.ai.model.SpringAIModelProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Boot auto-configuration for panama-llama: with {@code spring.ai.panama-llama.model-path}
 * set, a {@link LlamaModel}, a {@link PanamaLlamaChatModel} and a {@link PanamaLlamaEmbeddingModel}
 * sharing it, and a {@link ChatClientCustomizer} that turns on native (grammar-enforced)
 * structured output; with only {@code spring.ai.panama-llama.embedding.model-path}, the
 * embedding model alone. Without a path, no bean. The models and the model are closed when the
 * application context closes (Spring closes the chat and embedding models before the model they
 * use).
 *
 * <p>As with Spring AI's other providers, {@code spring.ai.model.chat} and
 * {@code spring.ai.model.embedding} select the provider: any value other than
 * {@value #PROVIDER} switches this one's model off.
 */
@AutoConfiguration(beforeName = "org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration")
@ConditionalOnClass(PanamaLlamaChatModel.class)
@EnableConfigurationProperties(PanamaLlamaProperties.class)
public class PanamaLlamaAutoConfiguration {
    /** The value of {@code spring.ai.model.chat} / {@code spring.ai.model.embedding} that selects this provider. */
    public static final String PROVIDER = "panama-llama";

    /** The model file, the chat model and structured output: only with {@code model-path}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = PanamaLlamaProperties.PREFIX, name = "model-path")
    static class ModelConfiguration {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        LlamaModel panamaLlamaModel(PanamaLlamaProperties properties) {
            return LlamaModel.load(properties.getModelPath(), modelOptions(properties));
        }

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        @ConditionalOnProperty(name = SpringAIModelProperties.CHAT_MODEL, havingValue = PROVIDER, matchIfMissing = true)
        PanamaLlamaChatModel panamaLlamaChatModel(LlamaModel model, PanamaLlamaProperties properties,
                ObjectProvider<ObservationRegistry> observationRegistry,
                ObjectProvider<ChatModelObservationConvention> observationConvention) {
            PanamaLlamaChatModel.Builder builder = PanamaLlamaChatModel.builder()
                    .model(model)
                    .poolSize(properties.getPoolSize())
                    .defaultOptions(chatOptions(properties.getChat()))
                    .observationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP));
            if (properties.getContextLength() != null) {
                builder.contextLength(properties.getContextLength());
            }
            if (properties.getThreads() != null) {
                builder.threads(properties.getThreads());
            }
            if (properties.getChatTemplate() != null) {
                builder.chatTemplate(properties.getChatTemplate());
            }
            PanamaLlamaChatModel chatModel = builder.build();
            observationConvention.ifAvailable(chatModel::setObservationConvention);
            return chatModel;
        }

        /**
         * ChatClient's {@code entity(...)} sends its JSON schema as an option, which becomes a
         * grammar, instead of asking for JSON in the prompt: the reply always parses.
         */
        @Bean
        @ConditionalOnClass(ChatClientCustomizer.class)
        @ConditionalOnProperty(name = SpringAIModelProperties.CHAT_MODEL, havingValue = PROVIDER, matchIfMissing = true)
        @ConditionalOnProperty(prefix = PanamaLlamaProperties.PREFIX, name = "chat.native-structured-output",
                havingValue = "true", matchIfMissing = true)
        ChatClientCustomizer panamaLlamaNativeStructuredOutput() {
            return builder -> builder.defaultAdvisors(AdvisorParams.ENABLE_NATIVE_STRUCTURED_OUTPUT);
        }
    }

    /** The embedding model: on the shared model, or on its own {@code embedding.model-path}. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(EmbeddingConfiguration.AnyModelPath.class)
    @ConditionalOnProperty(name = SpringAIModelProperties.EMBEDDING_MODEL, havingValue = PROVIDER, matchIfMissing = true)
    static class EmbeddingConfiguration {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        PanamaLlamaEmbeddingModel panamaLlamaEmbeddingModel(PanamaLlamaProperties properties,
                ObjectProvider<LlamaModel> sharedModel, ObjectProvider<ObservationRegistry> observationRegistry,
                ObjectProvider<EmbeddingModelObservationConvention> observationConvention) {
            PanamaLlamaProperties.Embedding embedding = properties.getEmbedding();
            PanamaLlamaEmbeddingModel.Builder builder = PanamaLlamaEmbeddingModel.builder()
                    .poolSize(embedding.getPoolSize())
                    .maxSegmentTokens(embedding.getMaxSegmentTokens())
                    .pooling(embedding.getPooling())
                    .observationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP));
            if (embedding.getModelPath() != null) {
                builder.modelPath(embedding.getModelPath()).modelOptions(modelOptions(properties));
            } else {
                builder.model(sharedModel.getObject());
            }
            if (properties.getThreads() != null) {
                builder.threads(properties.getThreads());
            }
            PanamaLlamaEmbeddingModel model = builder.build();
            observationConvention.ifAvailable(model::setObservationConvention);
            return model;
        }

        static class AnyModelPath extends AnyNestedCondition {
            AnyModelPath() {
                super(ConfigurationPhase.REGISTER_BEAN);
            }

            @ConditionalOnProperty(prefix = PanamaLlamaProperties.PREFIX, name = "model-path")
            static class ChatModelPath {}

            @ConditionalOnProperty(prefix = PanamaLlamaProperties.PREFIX, name = "embedding.model-path")
            static class EmbeddingModelPath {}
        }
    }

    static ModelOptions modelOptions(PanamaLlamaProperties properties) {
        ModelOptions.Builder options = ModelOptions.builder();
        if (properties.getGpuLayers() != null) {
            options.gpuLayers(properties.getGpuLayers());
        }
        return options.build();
    }

    static PanamaLlamaChatOptions chatOptions(PanamaLlamaProperties.Chat chat) {
        return PanamaLlamaChatOptions.builder()
                .temperature(chat.getTemperature())
                .topP(chat.getTopP())
                .topK(chat.getTopK())
                .minP(chat.getMinP())
                .maxTokens(chat.getMaxTokens())
                .stopSequences(chat.getStopSequences())
                .frequencyPenalty(chat.getFrequencyPenalty())
                .presencePenalty(chat.getPresencePenalty())
                .repeatPenalty(chat.getRepeatPenalty())
                .seed(chat.getSeed())
                .build();
    }
}
