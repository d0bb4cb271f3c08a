package io.github.panamallama.examples.server;

import io.github.panamallama.ChatMessage;
import io.github.panamallama.ChatRole;
import io.github.panamallama.ChatSession;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.PoolingType;
import io.github.panamallama.Sampler;
import io.github.panamallama.SamplingSettings;
import io.github.panamallama.Vocabulary;
import io.github.panamallama.grammar.JsonSchemaGrammar;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The server's engine on the panama-llama API: one model, its generation slots
 * ({@link GenerationSlots}: sequences of one context by default) and a small context of its own
 * for embeddings.
 *
 * <p>Embeddings keep that separate context, as before: they need a context made for them
 * (embeddings on, mean pooling, no causal reply), each input is decoded once and thrown away,
 * and they are short; sharing the generation context would take one of its sequences and switch
 * its output mode between steps for no gain.
 */
final class LlamaEngine implements Engine {
    /** Any JSON object: the empty schema constrained to type object. */
    private static final String JSON_OBJECT_SCHEMA = "{\"type\":\"object\"}";
    /** Longest embedding input, in tokens. */
    private static final int EMBEDDING_CONTEXT = 2048;

    private final LlamaModel model;
    private final String modelId;
    private final GenerationSlots slots;
    private final int contextLength;
    private final String chatTemplate;
    private final LlamaContext embedder;
    private final PromptBound promptBound;

    /** Takes over the model and the slots: closes them when closed, or when this fails. */
    LlamaEngine(LlamaModel model, String modelId, GenerationSlots slots) {
        this.model = model;
        this.modelId = modelId;
        this.slots = slots;
        this.chatTemplate = model.chatTemplate().orElse(ChatSession.FALLBACK_TEMPLATE);
        try {
            this.embedder = LlamaContext.create(model, ContextOptions.builder()
                    .contextLength(EMBEDDING_CONTEXT).batchSize(EMBEDDING_CONTEXT).ubatchSize(EMBEDDING_CONTEXT)
                    .embeddings(true).pooling(PoolingType.MEAN).build());
        } catch (RuntimeException e) {
            slots.close();
            model.close();
            throw e;
        }
        this.contextLength = slots.contextLength();
        this.promptBound = new PromptBound(model.vocabulary());
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public long mostPromptBytes() {
        return promptBound.mostBytes(contextLength);
    }

    @Override
    public void checkTextSize(long leastBytes, boolean embedding, String field) {
        promptBound.checkAtLeast(leastBytes, embedding ? EMBEDDING_CONTEXT : contextLength, field);
    }

    @Override
    public String chatPrompt(List<Requests.Message> messages) {
        promptBound.check(String.join("", messages.stream().map(Requests.Message::content).toList()), contextLength, "messages");
        List<ChatMessage> chat = messages.stream()
                .map(message -> new ChatMessage(ChatRole.valueOf(message.role().toUpperCase(Locale.ROOT)), message.content()))
                .toList();
        try {
            return ChatSession.applyTemplate(chatTemplate, chat, true);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("messages", e.getMessage());
        }
    }

    @Override
    public Job prepare(String prompt, boolean chat, Requests.Generation generation) {
        String field = chat ? "messages" : "prompt";
        promptBound.check(prompt, contextLength, field);
        int[] tokens = model.vocabulary().tokenize(prompt, true, chat);
        if (tokens.length == 0) {
            throw ApiException.invalid(field, "The prompt gives no tokens.");
        }
        if (tokens.length >= contextLength) {
            throw ApiException.invalid(field, "The prompt is " + tokens.length + " tokens; the context holds "
                    + contextLength + " (prompt and reply together).");
        }
        return new LlamaJob(tokens, sampler(generation), generation);
    }

    /** A tokenized prompt and its sampler, waiting for a slot. */
    private final class LlamaJob implements Job {
        private final int[] tokens;
        private final Sampler sampler;
        private final GenerationOptions options;

        LlamaJob(int[] tokens, Sampler sampler, Requests.Generation generation) {
            this.tokens = tokens;
            this.sampler = sampler;
            // The reply ends where the slot's context does, with finish_reason "length", in
            // either kind of slot (a shared cache must not grow past one slot's share).
            this.options = GenerationOptions.builder()
                    .maxTokens(Math.min(generation.maxTokens(), contextLength - tokens.length))
                    .stopStrings(generation.stop())
                    .sampler(sampler)
                    .build();
        }

        @Override
        public int promptTokens() {
            return tokens.length;
        }

        @Override
        public Result run(Cancellation cancellation, Consumer<String> pieces) {
            return slots.run(tokens, options, cancellation, pieces);
        }

        @Override
        public void close() {
            sampler.close();
        }
    }

    /** One embedding context for all requests: embedding a line is short, so they take turns. */
    @Override
    public Embedded embed(List<String> inputs, Cancellation cancellation) {
        List<int[]> tokenized = new ArrayList<>(inputs.size());
        int total = 0;
        for (int i = 0; i < inputs.size(); i++) {
            String where = inputs.size() == 1 ? "input" : "input[" + i + "]";
            promptBound.check(inputs.get(i), EMBEDDING_CONTEXT, where);
            int[] tokens = model.vocabulary().tokenize(inputs.get(i), true, false);
            if (tokens.length == 0 || tokens.length > EMBEDDING_CONTEXT) {
                throw ApiException.invalid("input", "'" + where + "' is " + tokens.length + " tokens; embeddings take 1 to "
                        + EMBEDDING_CONTEXT + ".");
            }
            tokenized.add(tokens);
            total += tokens.length;
        }
        List<float[]> vectors = new ArrayList<>(inputs.size());
        synchronized (embedder) {
            for (int[] tokens : tokenized) {
                if (cancellation.reason() == Cancellation.Reason.CLIENT_GONE) {
                    throw new ClientGoneException();
                }
                vectors.add(embedder.embed(tokens));
            }
        }
        return new Embedded(vectors, total);
    }

    /** OpenAI's knobs: temperature, top-p, penalties, seed and logit bias; no top-k or min-p. */
    private Sampler sampler(Requests.Generation generation) {
        Requests.Sampling sampling = generation.sampling();
        SamplingSettings.Builder settings = SamplingSettings.builder().noFilters()
                .temperature((float) sampling.temperature())
                .topP((float) sampling.topP())
                .penalties(1, (float) sampling.frequencyPenalty(), (float) sampling.presencePenalty())
                .grammar(generation.format().map(format -> switch (format) {
                    case Requests.OutputFormat.JsonObject ignored -> JsonSchemaGrammar.fromSchema(JSON_OBJECT_SCHEMA);
                    case Requests.OutputFormat.JsonSchema schema -> grammar(schema);
                    case Requests.OutputFormat.ToolCalls tools -> tools.gbnf();
                }).orElse(null))
                .grammarTrigger(generation.format().flatMap(Requests.OutputFormat::trigger).orElse(null));
        sampling.seed().ifPresent(settings::seed);
        Vocabulary vocabulary = model.vocabulary();
        sampling.logitBias().keySet().stream().filter(token -> token >= vocabulary.size()).findFirst().ifPresent(token -> {
            throw ApiException.invalid("logit_bias", "'logit_bias' names token " + token + ", but the vocabulary has tokens 0.."
                    + (vocabulary.size() - 1) + ".");
        });
        try {
            return settings.build().newSampler(model, sampling.logitBias());
        } catch (IllegalArgumentException e) {
            // Every sampling value was checked with its field already: what is left is the grammar.
            String field = generation.format().map(format -> format instanceof Requests.OutputFormat.ToolCalls
                    ? "tools" : "response_format").orElse(null);
            throw ApiException.invalid(field, "The sampler could not be built: " + e.getMessage());
        }
    }

    private static String grammar(Requests.OutputFormat.JsonSchema format) {
        try {
            return JsonSchemaGrammar.fromSchema(format.schema());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("response_format.json_schema.schema", e.getMessage());
        }
    }

    @Override
    public void close() {
        slots.close();
        embedder.close();
        model.close();
    }
}
