package io.github.panamallama.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import java.util.List;
import java.util.Set;

/**
 * What the blocking and the streaming chat model share: everything but the chat call itself,
 * answered by their {@link ChatEngine}. The methods match both LangChain4j interfaces' own.
 */
abstract sealed class EngineBackedChatModel implements AutoCloseable
        permits PanamaLlamaChatModel, PanamaLlamaStreamingChatModel {
    final ChatEngine engine;

    EngineBackedChatModel(ChatEngine engine) {
        this.engine = engine;
    }

    public ChatRequestParameters defaultRequestParameters() {
        return engine.defaults();
    }

    public List<ChatModelListener> listeners() {
        return engine.listeners();
    }

    public Set<Capability> supportedCapabilities() {
        return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    }

    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    /** The name responses carry. */
    public String modelName() {
        return engine.modelName();
    }

    /** The llama.cpp chat template in use (a built-in name or the model's Jinja text). */
    public String chatTemplate() {
        return engine.template();
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
        return getClass().getSimpleName() + "[" + engine.modelName() + (isClosed() ? ", closed]" : "]");
    }
}
