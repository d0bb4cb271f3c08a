package io.github.panamallama.examples.server;

import io.github.panamallama.ChatMessage;
import io.github.panamallama.ChatRole;
import io.github.panamallama.ChatSession;
import io.github.panamallama.Completion;
import io.github.panamallama.CompletionStream;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.ContextPool;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.PoolingType;
import io.github.panamallama.Sampler;
import io.github.panamallama.SamplingSettings;
import io.github.panamallama.StopReason;
import io.github.panamallama.Vocabulary;
import io.github.panamallama.grammar.JsonSchemaGrammar;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The server's engine on the panama-llama API: one model, a {@link ContextPool} of contexts (one
 * per generation slot, all made at start), each used by one request at a time as the API's
 * threading contract asks.
 */
final class LlamaEngine implements Engine {
    /** Any JSON object: the empty schema constrained to type object. */
    private static final String JSON_OBJECT_SCHEMA = "{\"type\":\"object\"}";
    /** Longest embedding input, in tokens. */
    private static final int EMBEDDING_CONTEXT = 2048;

    private final LlamaModel model;
    private final String modelId;
    private final ContextPool contexts;
    private final int contextLength;
    private final String chatTemplate;
    private final LlamaContext embedder;
    private final PromptBound promptBound;

    LlamaEngine(LlamaModel model, String modelId, int slots, ContextOptions contextOptions) {
        this.model = model;
        this.modelId = modelId;
        this.contexts = new ContextPool(model, contextOptions, slots, "the server's context pool");
        this.chatTemplate = model.chatTemplate().orElse(ChatSession.FALLBACK_TEMPLATE);
        LlamaContext embeddings = null;
        try {
            contexts.fill(); // a slot that does not fit in memory fails the start, not a request
            embeddings = LlamaContext.create(model, ContextOptions.builder()
                    .contextLength(EMBEDDING_CONTEXT).batchSize(EMBEDDING_CONTEXT).ubatchSize(EMBEDDING_CONTEXT)
                    .embeddings(true).pooling(PoolingType.MEAN).build());
        } catch (RuntimeException e) {
            contexts.close();
            model.close();
            throw e;
        }
        this.embedder = embeddings;
        this.contextLength = contexts.withContext(LlamaContext::contextLength);
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

    /** A tokenized prompt and its sampler, waiting for a context. */
    private final class LlamaJob implements Job {
        private final int[] tokens;
        private final Sampler sampler;
        private final GenerationOptions options;

        LlamaJob(int[] tokens, Sampler sampler, Requests.Generation generation) {
            this.tokens = tokens;
            this.sampler = sampler;
            this.options = GenerationOptions.builder()
                    .maxTokens(generation.maxTokens())
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
            LlamaContext context = take();
            AtomicBoolean aborted = new AtomicBoolean();
            boolean abortTaken = false;
            try {
                StringBuilder text = new StringBuilder();
                Completion completion;
                try (CompletionStream stream = context.stream(tokens, options);
                     Cancellation.Registration ignored = cancellation.onCancel(() -> {
                         aborted.set(true);
                         context.abort(); // stops a long prompt decode mid-way
                     })) {
                    while (!cancellation.isCancelled() && stream.hasNext()) {
                        String piece = stream.next();
                        text.append(piece);
                        pieces.accept(piece);
                    }
                    // The stream ends CANCELLED itself only by taking the abort request.
                    abortTaken = stream.stopReason() == StopReason.CANCELLED;
                    stream.close();
                    completion = stream.completion();
                }
                return new Result(text.toString(), tokens.length, completion.tokens().length,
                        completion.stopReason().openAiFinishReason());
            } finally {
                if (aborted.get() && !abortTaken) {
                    clearAbort(context);
                }
                contexts.release(context);
            }
        }

        @Override
        public void close() {
            sampler.close();
        }
    }

    /**
     * An abort the generation did not take (it came after the last step, or the loop above saw
     * the cancellation first) is still pending in the context, and would stop the next
     * request's first decode. A generation from one token takes it before decoding anything.
     */
    private void clearAbort(LlamaContext context) {
        int token = model.vocabulary().bos().orElse(0);
        try (CompletionStream flush = context.stream(new int[] {token}, GenerationOptions.builder().maxTokens(1).build())) {
            flush.hasNext();
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

    private LlamaContext take() {
        try {
            return contexts.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.shuttingDown();
        }
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
            String field = generation.format().isPresent() ? "response_format" : null;
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
        contexts.close();
        embedder.close();
        model.close();
    }
}
