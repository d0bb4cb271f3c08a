package io.github.panamallama;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Chat replies from any number of threads: a {@link ContextPool} over one model with its chat
 * template, checked once when the pool is built (format conversations with {@link #template()}
 * through {@link ChatSession#applyTemplate}). Each call streams a reply on a context of its
 * own; callers beyond {@link Builder#contexts(int)} wait. The LangChain4j and Spring AI chat
 * models run on it. Closing the pool ends running replies within a token and frees the
 * contexts; the model stays open.
 */
public final class ChatPool extends JobPool {
    private final String template;

    private ChatPool(Builder b, LlamaModel model, String template) {
        super(b, model, b.contextOptions()
                .contextLength(b.contextLength != null ? b.contextLength : Math.min(4096, model.trainingContextLength())).build());
        this.template = template;
    }

    /** Settings for a pool: one context, the model's own template, its training length up to 4096 tokens. */
    public static Builder builder() {
        return new Builder();
    }

    /** The chat template in use: the one given, else the model's, else {@link ChatSession#FALLBACK_TEMPLATE}. */
    public String template() {
        return template;
    }

    /**
     * Options for generating from chat-template text, as {@link #template()} and
     * {@link ChatSession} write it: beginning-of-sequence added, and control tokens written as
     * text ({@code </s>}, {@code [INST]}) read as those tokens.
     *
     * @param sampler the generation's sampler; {@code null} = greedy
     * @throws IllegalArgumentException for {@code maxTokens < 1} or a bad stop string
     */
    public static GenerationOptions templateOptions(int maxTokens, List<String> stops, Sampler sampler) {
        return GenerationOptions.builder()
                .maxTokens(maxTokens)
                .stopStrings(stops)
                .sampler(sampler)
                .addSpecial(true)
                .parseSpecial(true)
                .build();
    }

    /**
     * Generates the completion of {@code prompt} on a free context, with a sampler made from
     * {@code sampling} for this call only.
     *
     * @param options the generation's options around that sampler (usually
     *     {@link #templateOptions})
     * @param onText receives each piece of text as it is produced
     * @param cancelled polled after each piece; when it turns true generation stops
     * @return the completion, or empty when {@code cancelled} stopped it
     * @throws IllegalStateException if the pool is closed, before or during the generation
     */
    public Optional<Completion> complete(String prompt, SamplingSettings sampling, Function<Sampler, GenerationOptions> options,
            Consumer<String> onText, BooleanSupplier cancelled) {
        Objects.requireNonNull(prompt, "prompt");
        return contexts.withContext(context -> {
            try (Sampler sampler = sampling.newSampler(model);
                    CompletionStream stream = context.stream(prompt, options.apply(sampler))) {
                while (stream.hasNext()) {
                    onText.accept(stream.next());
                    if (cancelled.getAsBoolean()) {
                        return Optional.empty();
                    }
                }
                if (stream.stopReason() == StopReason.CANCELLED && contexts.isClosed()) {
                    throw new IllegalStateException(name + " was closed during the generation");
                }
                return Optional.of(stream.completion());
            }
        });
    }

    /** A pool's settings, each checked as it is set; {@link #build(LlamaModel)} makes pools of them. */
    public static final class Builder extends PoolBuilder<Builder> {
        private Integer contextLength;
        private String chatTemplate;

        private Builder() {
            super("ChatPool");
        }

        /** Tokens per context, prompt and reply together; default the model's training length, at most 4096. */
        public Builder contextLength(int tokens) {
            this.contextLength = tokens;
            return this;
        }

        /** A Jinja chat template name or text llama.cpp knows; default the model's own. */
        public Builder chatTemplate(String template) {
            this.chatTemplate = Objects.requireNonNull(template, "template");
            return this;
        }

        /**
         * A pool over {@code model}; checks the template and creates the first context, so
         * that settings llama.cpp refuses fail here.
         *
         * @throws IllegalArgumentException for a template llama.cpp does not know
         * @throws IllegalStateException if the model is closed
         */
        public ChatPool build(LlamaModel model) {
            Objects.requireNonNull(model, "model");
            String template = chatTemplate != null ? chatTemplate : model.chatTemplate().orElse(ChatSession.FALLBACK_TEMPLATE);
            // Fails here, naming the template, if llama.cpp does not know it.
            ChatSession.applyTemplate(template, List.of(ChatMessage.user("test")), true);
            return new ChatPool(this, model, template);
        }
    }
}
