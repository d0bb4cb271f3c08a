package io.github.panamallama.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;

/**
 * A LangChain4j {@link ChatModel} that runs a GGUF model in this process through llama.cpp.
 *
 * <pre>{@code
 * try (PanamaLlamaChatModel model = PanamaLlamaChatModel.builder()
 *         .modelPath(Path.of("mistral-7b-instruct.gguf")).temperature(0.0).maxTokens(200).build()) {
 *     String answer = model.chat("Why is the sky blue?");
 * }
 * }</pre>
 *
 * <p>Messages: system, user (text only), AI and tool result messages, formatted with the
 * model's chat template (Mistral Instruct when the model has none). Parameters: temperature
 * (0 = greedy), top-p, top-k, frequency/presence penalty, max output tokens, stop sequences,
 * and JSON response formats, with or without a schema, enforced by a grammar. Tool
 * specifications give tool execution requests, their arguments held to each tool's schema by a
 * grammar (panama-llama's tool-call format, {@link io.github.panamallama.grammar.ToolCallFormat}).
 *
 * <p>Thread-safe: each request borrows one of up to
 * {@link ChatModelBuilder#maxConcurrentRequests(int)} contexts (default 1, so concurrent
 * requests queue). Close it to free the native memory; closing aborts requests in progress.
 */
public final class PanamaLlamaChatModel extends EngineBackedChatModel implements ChatModel {

    private PanamaLlamaChatModel(Builder builder) {
        super(ChatEngine.create(builder, "PanamaLlamaChatModel"));
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        return engine.generate(request, piece -> {}, () -> false);
    }

    public static final class Builder extends ChatModelBuilder<Builder> {
        private Builder() {}

        /**
         * Loads the model (if given by path) and checks the settings.
         *
         * @throws IllegalArgumentException for bad settings, naming the setting
         * @throws io.github.panamallama.ModelLoadException if the model does not load
         */
        public PanamaLlamaChatModel build() {
            return new PanamaLlamaChatModel(this);
        }
    }
}
