package io.github.panamallama.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.github.panamallama.ChatSession;
import io.github.panamallama.Completion;
import io.github.panamallama.CompletionStream;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.ContextPool;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.Sampler;
import io.github.panamallama.StopReason;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What the blocking and the streaming chat model share: the model, a pool of contexts, the
 * chat template and the default parameters; runs one {@link ChatRequest} to a
 * {@link ChatResponse}.
 */
final class ChatEngine implements AutoCloseable {
    private final ModelSource source;
    private final ContextPool pool;
    private final String template;
    private final String modelName;
    private final ChatRequestParameters defaults;
    private final OptionalLong seed;
    private final String owner;
    private final List<ChatModelListener> listeners;
    private final int maxToolCalls;

    private ChatEngine(ModelSource source, ContextPool pool, String template, String modelName,
            ChatRequestParameters defaults, OptionalLong seed, String owner, List<ChatModelListener> listeners, int maxToolCalls) {
        this.maxToolCalls = maxToolCalls;
        this.owner = owner;
        this.listeners = listeners;
        this.source = source;
        this.pool = pool;
        this.template = template;
        this.modelName = modelName;
        this.defaults = defaults;
        this.seed = seed;
    }

    static ChatEngine create(ChatModelBuilder<?> b, String adapterName) {
        ModelSource source = ModelSource.of(b.modelPath, b.modelOptions, b.model);
        try {
            LlamaModel model = source.model();
            String template = b.chatTemplate != null ? b.chatTemplate
                    : model.chatTemplate().orElse(ChatSession.FALLBACK_TEMPLATE);
            ChatPrompt.format(template, List.of(UserMessage.from("test"))); // fails early if llama.cpp lacks the template
            String name = b.modelName != null ? b.modelName : source.defaultName();
            ContextOptions.Builder options = ContextOptions.builder()
                    .contextLength(b.contextLength != null ? b.contextLength : Math.min(4096, model.trainingContextLength()));
            if (b.threads != null) {
                options.threads(b.threads);
            }
            String owner = adapterName + "[" + name + "]";
            ContextPool pool = new ContextPool(model, options.build(), b.maxConcurrentRequests, owner);
            ChatRequestParameters defaults = b.defaultParameters(name);
            // Reject bad defaults at build time, not on the first request; tools are checked per request,
            // since a default toolChoice REQUIRED may wait for the tools an AI service adds.
            RequestSettings.from(defaults, OptionalLong.empty(), Optional.empty());
            try {
                pool.withContext(context -> null); // context settings fail here, and the first request starts at once
            } catch (RuntimeException | Error e) {
                pool.close();
                throw e;
            }
            return new ChatEngine(source, pool, template, name, defaults, b.seed == null ? OptionalLong.empty()
                    : OptionalLong.of(b.seed), owner, b.listeners, b.maxToolCalls);
        } catch (RuntimeException | Error e) {
            source.close();
            throw e;
        }
    }

    ChatRequestParameters defaults() {
        return defaults;
    }

    List<ChatModelListener> listeners() {
        return listeners;
    }

    String modelName() {
        return modelName;
    }

    String template() {
        return template;
    }

    /**
     * Generates the reply to {@code request}.
     *
     * @param onText receives each piece of the reply as it is produced
     * @param cancelled polled after each piece; when it turns true generation stops and this
     *     returns {@code null}
     */
    ChatResponse generate(ChatRequest request, Consumer<String> onText, BooleanSupplier cancelled) {
        // ChatModel.chat() has already merged the defaults; doChat() called directly has not.
        ChatRequestParameters parameters = defaults.overrideWith(request.parameters());
        if (parameters.modelName() != null && !parameters.modelName().equals(modelName)) {
            throw new IllegalArgumentException("the request asks for model \"" + parameters.modelName() + "\"; "
                    + owner + " serves only \"" + modelName + "\"");
        }
        Optional<ChatTools> tools = ChatTools.of(parameters, maxToolCalls);
        RequestSettings settings = RequestSettings.from(parameters, seed, tools);
        String prompt = ChatPrompt.format(template, request.messages(), tools.map(ChatTools::systemPrompt));
        // With tools, only the reply's plain text reaches onText; its calls become tool execution requests.
        ChatTools.Reader reader = tools.map(t -> t.reader(onText)).orElse(null);
        Consumer<String> pieces = reader == null ? onText : reader::feed;
        return pool.withContext(context -> {
            try (Sampler sampler = settings.sampling().newSampler(source.model());
                    CompletionStream stream = context.stream(prompt,
                            settings.generationOptions(sampler))) {
                while (stream.hasNext()) {
                    pieces.accept(stream.next());
                    if (cancelled.getAsBoolean()) {
                        return null;
                    }
                }
                if (stream.stopReason() == StopReason.CANCELLED && pool.isClosed()) {
                    throw new IllegalStateException(owner + " was closed during the generation");
                }
                return response(stream.completion(), reader);
            }
        });
    }

    private ChatResponse response(Completion completion, ChatTools.Reader reader) {
        int input = completion.timings().promptTokens();
        int output = completion.tokens().length;
        FinishReason reason = finishReason(completion.stopReason());
        AiMessage message = AiMessage.from(completion.text());
        if (reader != null) {
            message = reader.finish();
            if (reader.called() && reason == FinishReason.STOP) {
                reason = FinishReason.TOOL_EXECUTION;
            }
        }
        return ChatResponse.builder()
                .aiMessage(message)
                .modelName(modelName)
                .tokenUsage(new TokenUsage(input, output))
                .finishReason(reason)
                .build();
    }

    /** The core's OpenAI mapping, whose two values LangChain4j's enum names alike. */
    static FinishReason finishReason(StopReason reason) {
        return FinishReason.valueOf(reason.openAiFinishReason().toUpperCase(Locale.ROOT));
    }

    boolean isClosed() {
        return pool.isClosed();
    }

    @Override
    public void close() {
        pool.close();
        source.close();
    }
}
