package io.github.panamallama.langchain4j;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import io.github.panamallama.ChatPool;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.ModelOptions;
import io.github.panamallama.Sampler;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The settings {@link PanamaLlamaChatModel} and {@link PanamaLlamaStreamingChatModel} share.
 * Set the model with {@link #modelPath(Path)} (loaded by the chat model and closed with it) or
 * {@link #model(LlamaModel)} (yours: stays open). Generation settings here are defaults; a
 * request's own {@link ChatRequestParameters} override them one by one.
 *
 * @param <B> the concrete builder, so the setters chain
 */
public abstract class ChatModelBuilder<B extends ChatModelBuilder<B>> {
    Path modelPath;
    ModelOptions modelOptions;
    LlamaModel model;
    /** Context length, threads, concurrency and template: the contexts' settings. */
    final ChatPool.Builder chatPool = ChatPool.builder();
    int maxToolCalls = Integer.MAX_VALUE;
    String modelName;
    Long seed;
    List<ChatModelListener> listeners = List.of();
    private ChatRequestParameters base;
    private Double temperature;
    private Double topP;
    private Integer topK;
    private Double frequencyPenalty;
    private Double presencePenalty;
    private Integer maxTokens;
    private List<String> stopSequences;
    private ResponseFormat responseFormat;

    ChatModelBuilder() {}

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The GGUF file to load; the chat model closes it when it is closed. */
    public B modelPath(Path path) {
        this.modelPath = Objects.requireNonNull(path, "path");
        return self();
    }

    public B modelPath(String path) {
        return modelPath(Path.of(Objects.requireNonNull(path, "path")));
    }

    /** How to load {@link #modelPath(Path)} (GPU layers, mmap, ...). */
    public B modelOptions(ModelOptions options) {
        this.modelOptions = Objects.requireNonNull(options, "options");
        return self();
    }

    /** A model you loaded and close yourself, e.g. shared with an embedding model. */
    public B model(LlamaModel model) {
        this.model = Objects.requireNonNull(model, "model");
        return self();
    }

    /** Tokens of context (prompt plus reply); default the smaller of 4096 and the model's training length. */
    public B contextLength(int tokens) {
        chatPool.contextLength(tokens);
        return self();
    }

    /** CPU threads per generation; default one per physical core ({@code ContextOptions.defaultThreads()}). */
    public B threads(int threads) {
        chatPool.threads(threads);
        return self();
    }

    /**
     * The most tool calls one reply may make (1 = no parallel calls). Default: no limit, as
     * with OpenAI; a small model forced to call ({@code ToolChoice.REQUIRED}) may then keep
     * adding calls until the token limit.
     *
     * @throws IllegalArgumentException if {@code maxToolCalls < 1}
     */
    public B maxToolCalls(int maxToolCalls) {
        if (maxToolCalls < 1) {
            throw new IllegalArgumentException("maxToolCalls must be >= 1: " + maxToolCalls);
        }
        this.maxToolCalls = maxToolCalls;
        return self();
    }

    /**
     * How many requests may generate at once, each on a context of its own (memory for the
     * context each); more wait for a free one. Default 1: requests are served one at a time.
     */
    public B maxConcurrentRequests(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("maxConcurrentRequests must be >= 1: " + count);
        }
        chatPool.contexts(count);
        return self();
    }

    /**
     * A llama.cpp chat template (built-in name such as {@code chatml} or {@code mistral-v1}, or
     * a Jinja template it recognises); default the model's own, else Mistral Instruct
     * ({@code [INST] ... [/INST]}).
     */
    public B chatTemplate(String template) {
        chatPool.chatTemplate(template);
        return self();
    }

    /** The name reported in responses; default the model file's name without {@code .gguf}. */
    public B modelName(String name) {
        this.modelName = Objects.requireNonNull(name, "name");
        return self();
    }

    /**
     * Seed for sampling at temperature > 0, so runs repeat: 0..4294967295 (llama.cpp's seeds are
     * 32-bit); default ({@code null}) a fresh random seed per request.
     */
    public B seed(Long seed) {
        if (seed != null && (seed < 0 || seed >= Sampler.RANDOM_SEED)) {
            throw new IllegalArgumentException("seed must be 0.." + (Sampler.RANDOM_SEED - 1)
                    + ", or null for a random seed per request: " + seed);
        }
        this.seed = seed;
        return self();
    }

    /** Observers of every request, response and error (LangChain4j calls them around each request). */
    public B listeners(List<ChatModelListener> listeners) {
        this.listeners = List.copyOf(listeners);
        return self();
    }

    /** Default parameters as a whole; the single setters below override its values. */
    public B defaultRequestParameters(ChatRequestParameters parameters) {
        this.base = parameters;
        return self();
    }

    /** Default 0.8; 0 = greedy (deterministic). */
    public B temperature(Double temperature) {
        this.temperature = temperature;
        return self();
    }

    public B topP(Double topP) {
        this.topP = topP;
        return self();
    }

    public B topK(Integer topK) {
        this.topK = topK;
        return self();
    }

    public B frequencyPenalty(Double penalty) {
        this.frequencyPenalty = penalty;
        return self();
    }

    public B presencePenalty(Double penalty) {
        this.presencePenalty = penalty;
        return self();
    }

    /**
     * Most tokens in a reply; default {@link io.github.panamallama.GenerationOptions#DEFAULT_MAX_TOKENS}
     * (256; a reply cut there finishes with {@code LENGTH}). The context
     * ({@link #contextLength(int)}) bounds prompt plus reply in any case.
     */
    public B maxTokens(Integer maxTokens) {
        this.maxTokens = maxTokens;
        return self();
    }

    public B stopSequences(List<String> stops) {
        this.stopSequences = stops == null ? null : List.copyOf(stops);
        return self();
    }

    public B stopSequences(String... stops) {
        return stopSequences(List.of(stops));
    }

    /** {@link ResponseFormat#JSON} (any JSON object) or JSON with a schema: enforced by a grammar. */
    public B responseFormat(ResponseFormat format) {
        this.responseFormat = format;
        return self();
    }

    /** The defaults as LangChain4j parameters: base values, then the single setters, then the name. */
    ChatRequestParameters defaultParameters(String name) {
        DefaultChatRequestParameters.Builder<?> p = ChatRequestParameters.builder();
        if (base != null) {
            p.overrideWith(base);
        }
        p.modelName(name);
        if (temperature != null) {
            p.temperature(temperature);
        }
        if (topP != null) {
            p.topP(topP);
        }
        if (topK != null) {
            p.topK(topK);
        }
        if (frequencyPenalty != null) {
            p.frequencyPenalty(frequencyPenalty);
        }
        if (presencePenalty != null) {
            p.presencePenalty(presencePenalty);
        }
        if (maxTokens != null) {
            p.maxOutputTokens(maxTokens);
        }
        if (stopSequences != null) {
            p.stopSequences(stopSequences);
        }
        if (responseFormat != null) {
            p.responseFormat(responseFormat);
        }
        return p.build();
    }
}
