package io.github.panamallama.springai;

import io.github.panamallama.ChatPool;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.ModelOptions;
import io.github.panamallama.ModelSource;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.model.MessageAggregator;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.observation.ChatModelObservationConvention;
import org.springframework.ai.chat.observation.ChatModelObservationDocumentation;
import org.springframework.ai.chat.observation.DefaultChatModelObservationConvention;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Schedulers;

/**
 * A Spring AI {@link ChatModel} that runs a GGUF model in this process through llama.cpp.
 *
 * <p>Messages go through the model's chat template; options are {@link PanamaLlamaChatOptions}
 * (any {@code ChatOptions} is accepted, its values over this model's defaults). An output JSON
 * schema is enforced by a grammar; tool callbacks are offered in panama-llama's tool-call format
 * and the reply's calls come back as {@link AssistantMessage.ToolCall}s for {@code ChatClient}'s
 * tool-calling advisor to run. Each call and stream is observed as Spring AI's
 * {@code CHAT_MODEL_OPERATION} (provider {@value #PROVIDER}) with its token usage.
 *
 * <p>Thread-safe: up to {@link Builder#poolSize(int)} replies are generated at once, each on a
 * context of its own; further requests wait. {@link #close()} frees the native memory, and the
 * model if this chat model loaded it.
 */
public final class PanamaLlamaChatModel implements ChatModel, AutoCloseable {
    /** The provider name in observations and metadata. */
    public static final String PROVIDER = "panama-llama";
    private static final ChatModelObservationConvention DEFAULT_CONVENTION = new DefaultChatModelObservationConvention();

    private final ChatEngine engine;
    private final PanamaLlamaChatOptions defaults;
    private final String modelName;
    private final ObservationRegistry observationRegistry;
    private final int maxToolCalls;
    private ChatModelObservationConvention observationConvention = DEFAULT_CONVENTION;

    private PanamaLlamaChatModel(Builder b) {
        if (b.maxToolCalls < 1) {
            throw new IllegalArgumentException("maxToolCalls must be >= 1: " + b.maxToolCalls);
        }
        ModelSource source = ModelSource.of(b.modelPath, b.modelOptions, b.model);
        String name = b.modelName != null ? b.modelName : source.defaultName();
        this.modelName = name;
        this.defaults = b.defaultOptions.getModel() == null ? b.defaultOptions.mutate().model(name).build() : b.defaultOptions;
        if (!name.equals(defaults.getModel())) {
            source.close();
            throw new IllegalArgumentException("the default options name model \"" + defaults.getModel()
                    + "\"; this chat model serves \"" + name + "\"");
        }
        try {
            // Bad defaults fail here, not on the first request (tools are checked per request).
            RequestSettings.from(defaults, java.util.Optional.empty());
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        this.engine = ChatEngine.create(source, b.chatPool.name("PanamaLlamaChatModel[" + name + "]"));
        this.observationRegistry = b.observationRegistry;
        this.maxToolCalls = b.maxToolCalls;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This model's default options (what {@code ChatClient} starts each request from). */
    @Override
    public PanamaLlamaChatOptions getOptions() {
        return defaults;
    }

    /**
     * @throws IllegalArgumentException for bad options or messages, or a request for another model
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public ChatResponse call(Prompt prompt) {
        Prompt request = resolve(prompt);
        ChatModelObservationContext context = ChatModelObservationContext.builder()
                .prompt(request).provider(PROVIDER).build();
        return ChatModelObservationDocumentation.CHAT_MODEL_OPERATION
                .observation(observationConvention, DEFAULT_CONVENTION, () -> context, observationRegistry)
                .observe(() -> {
                    ChatEngine.Reply reply = engine.generate(request.getInstructions(), options(request), maxToolCalls,
                            piece -> {}, () -> false);
                    ChatResponse response = response(reply);
                    context.setResponse(response);
                    return response;
                });
    }

    /**
     * Streams the reply: one {@link ChatResponse} per piece of text, then a last one with the
     * finish reason, the token usage and any tool calls (and no text). Generation runs on
     * Reactor's bounded-elastic scheduler; cancelling the subscription stops it.
     */
    @Override
    public Flux<ChatResponse> stream(Prompt prompt) {
        return Flux.deferContextual(contextView -> {
            Prompt request = resolve(prompt);
            PanamaLlamaChatOptions options = options(request);
            ChatModelObservationContext context = ChatModelObservationContext.builder()
                    .prompt(request).provider(PROVIDER).streaming(true).build();
            Observation observation = ChatModelObservationDocumentation.CHAT_MODEL_OPERATION
                    .observation(observationConvention, DEFAULT_CONVENTION, () -> context, observationRegistry);
            Observation parent = contextView.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
            observation.parentObservation(parent).start();
            Flux<ChatResponse> pieces = Flux.<ChatResponse>create(sink -> generate(request, options, sink))
                    .subscribeOn(Schedulers.boundedElastic())
                    .doOnError(observation::error)
                    .doFinally(signal -> observation.stop())
                    .contextWrite(ctx -> ctx.put(ObservationThreadLocalAccessor.KEY, observation));
            return new MessageAggregator().aggregate(pieces, context::setResponse);
        });
    }

    private void generate(Prompt request, PanamaLlamaChatOptions options, FluxSink<ChatResponse> sink) {
        try {
            String id = newId();
            ChatEngine.Reply reply = engine.generate(request.getInstructions(), options, maxToolCalls,
                    piece -> {
                        if (!piece.isEmpty()) {
                            sink.next(new ChatResponse(List.of(new Generation(new AssistantMessage(piece))),
                                    ChatResponseMetadata.builder().id(id).model(modelName).build()));
                        }
                    },
                    sink::isCancelled);
            if (reply != null) {
                AssistantMessage last = AssistantMessage.builder().content("").toolCalls(reply.toolCalls()).build();
                sink.next(response(id, last, reply));
            }
            sink.complete();
        } catch (RuntimeException | Error e) {
            sink.error(e);
        }
    }

    /** The prompt with its options merged over this model's defaults (ChatClient has merged them already). */
    private Prompt resolve(Prompt prompt) {
        Objects.requireNonNull(prompt, "prompt");
        PanamaLlamaChatOptions merged = prompt.getOptions() == null ? defaults
                : PanamaLlamaChatOptions.from(prompt.getOptions()).over(defaults);
        if (merged.getModel() != null && !merged.getModel().equals(modelName)) {
            throw new IllegalArgumentException("the request asks for model \"" + merged.getModel()
                    + "\"; this chat model serves only \"" + modelName + "\"");
        }
        return prompt.mutate().chatOptions(merged).build();
    }

    private static PanamaLlamaChatOptions options(Prompt resolved) {
        return (PanamaLlamaChatOptions) resolved.getOptions();
    }

    private ChatResponse response(ChatEngine.Reply reply) {
        AssistantMessage message = AssistantMessage.builder().content(reply.text()).toolCalls(reply.toolCalls()).build();
        return response(newId(), message, reply);
    }

    private ChatResponse response(String id, AssistantMessage message, ChatEngine.Reply reply) {
        ChatGenerationMetadata generation = ChatGenerationMetadata.builder().finishReason(reply.finishReason()).build();
        ChatResponseMetadata metadata = ChatResponseMetadata.builder()
                .id(id)
                .model(modelName)
                .usage(new DefaultUsage(reply.promptTokens(), reply.generationTokens()))
                .build();
        return new ChatResponse(List.of(new Generation(message, generation)), metadata);
    }

    private static String newId() {
        return "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    }

    /** The name responses and observations report: the model file's name without {@code .gguf} unless set. */
    public String modelName() {
        return modelName;
    }

    /** The loaded model (this chat model's own, or the one lent to its builder). */
    public LlamaModel model() {
        return engine.model();
    }

    /** Replaces the default observation convention (Spring AI's {@code DefaultChatModelObservationConvention}). */
    public void setObservationConvention(ChatModelObservationConvention convention) {
        this.observationConvention = Objects.requireNonNull(convention, "convention");
    }

    public boolean isClosed() {
        return engine.isClosed();
    }

    /** Frees the contexts, and the model if this chat model loaded it. Idempotent. */
    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return "PanamaLlamaChatModel[" + modelName + (isClosed() ? ", closed]" : "]");
    }

    /** Builds a {@link PanamaLlamaChatModel}; set exactly one of {@link #modelPath} and {@link #model}. */
    public static final class Builder {
        private Path modelPath;
        private ModelOptions modelOptions;
        private LlamaModel model;
        private String modelName;
        /** Context length, threads, pool size and template: the contexts' settings, checked as they are set. */
        private final ChatPool.Builder chatPool = ChatPool.builder();
        private int maxToolCalls = 8;
        private PanamaLlamaChatOptions defaultOptions = PanamaLlamaChatOptions.builder().build();
        private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

        private Builder() {}

        /** The GGUF file to load; the chat model closes it when it is closed. */
        public Builder modelPath(Path path) {
            this.modelPath = Objects.requireNonNull(path, "path");
            return this;
        }

        /** How to load {@link #modelPath} (GPU layers, mmap, ...); default {@link ModelOptions#defaults()}. */
        public Builder modelOptions(ModelOptions options) {
            this.modelOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /** A model you loaded and close yourself, e.g. shared with an embedding model. */
        public Builder model(LlamaModel model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** The name reported in responses; default the model file's name without {@code .gguf}. */
        public Builder modelName(String name) {
            this.modelName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Tokens per context (prompt and reply); default the training length, at most 4096. */
        public Builder contextLength(int tokens) {
            chatPool.contextLength(tokens);
            return this;
        }

        /** Threads per generation; default panama-llama's ({@link io.github.panamallama.ContextOptions}). */
        public Builder threads(int threads) {
            chatPool.threads(threads);
            return this;
        }

        /** How many replies may be generated at once, each on a context of its own; default 1. */
        public Builder poolSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("poolSize must be >= 1: " + size);
            }
            chatPool.contexts(size);
            return this;
        }

        /** A chat template (a llama.cpp built-in name or Jinja text); default the model's own. */
        public Builder chatTemplate(String template) {
            chatPool.chatTemplate(template);
            return this;
        }

        /** Most tool calls in one reply; default 8. */
        public Builder maxToolCalls(int count) {
            this.maxToolCalls = count;
            return this;
        }

        /** The options requests start from; unset values keep llama.cpp's defaults. */
        public Builder defaultOptions(PanamaLlamaChatOptions options) {
            this.defaultOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /** Where observations go; default none ({@link ObservationRegistry#NOOP}). */
        public Builder observationRegistry(ObservationRegistry registry) {
            this.observationRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Loads the model (if given by path), checks the settings and makes the first context.
         *
         * @throws IllegalArgumentException for bad settings, naming the setting
         * @throws io.github.panamallama.ModelLoadException if the model does not load
         */
        public PanamaLlamaChatModel build() {
            return new PanamaLlamaChatModel(this);
        }
    }
}
