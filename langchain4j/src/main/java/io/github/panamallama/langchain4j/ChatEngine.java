package io.github.panamallama.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.github.panamallama.ChatPool;
import io.github.panamallama.Completion;
import io.github.panamallama.ModelSource;
import io.github.panamallama.StopReason;
import io.github.panamallama.grammar.ToolCallPlan;
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
    private final ChatPool pool;
    private final String modelName;
    private final ChatRequestParameters defaults;
    private final OptionalLong seed;
    private final String owner;
    private final List<ChatModelListener> listeners;
    private final int maxToolCalls;

    private ChatEngine(ModelSource source, ChatPool pool, String modelName,
            ChatRequestParameters defaults, OptionalLong seed, String owner, List<ChatModelListener> listeners, int maxToolCalls) {
        this.maxToolCalls = maxToolCalls;
        this.owner = owner;
        this.listeners = listeners;
        this.source = source;
        this.pool = pool;
        this.modelName = modelName;
        this.defaults = defaults;
        this.seed = seed;
    }

    static ChatEngine create(ChatModelBuilder<?> b, String adapterName) {
        ModelSource source = ModelSource.of(b.modelPath, b.modelOptions, b.model);
        try {
            String name = b.modelName != null ? b.modelName : source.defaultName();
            String owner = adapterName + "[" + name + "]";
            ChatRequestParameters defaults = b.defaultParameters(name);
            // Reject bad defaults at build time, not on the first request; tools are checked per request,
            // since a default toolChoice REQUIRED may wait for the tools an AI service adds.
            RequestSettings.from(defaults, OptionalLong.empty(), Optional.empty());
            ChatPool pool = b.chatPool.name(owner).build(source.model());
            return new ChatEngine(source, pool, name, defaults, b.seed == null ? OptionalLong.empty()
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
        return pool.template();
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
        Optional<ToolCallPlan> tools = ChatTools.of(parameters, maxToolCalls);
        RequestSettings settings = RequestSettings.from(parameters, seed, tools);
        String prompt = ChatPrompt.format(pool.template(), request.messages(), tools.map(ToolCallPlan::systemPrompt));
        // With tools, only the reply's plain text reaches onText; its calls become tool execution requests.
        ChatTools.Reader reader = tools.map(plan -> new ChatTools.Reader(onText)).orElse(null);
        Consumer<String> pieces = reader == null ? onText : reader::feed;
        return pool.complete(prompt, settings.sampling(), settings::generationOptions, pieces, cancelled)
                .map(completion -> response(completion, reader)).orElse(null);
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
