package io.github.panamallama.examples.server;

import io.github.panamallama.ChatMessage;
import io.github.panamallama.ChatRole;
import io.github.panamallama.ChatSession;
import io.github.panamallama.CompletionStream;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.ContextPool;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.PoolingType;
import io.github.panamallama.Sampler;
import io.github.panamallama.SamplingSettings;
import io.github.panamallama.grammar.JsonSchemaGrammar;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
    public String chatPrompt(List<Requests.Message> messages) {
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
    public Result generate(String prompt, boolean parseSpecial, Requests.Generation generation, Consumer<String> pieces) {
        LlamaContext context = take();
        try (Sampler sampler = samplingSettings(generation).newSampler(model);
             CompletionStream stream = context.stream(prompt, GenerationOptions.builder()
                     .maxTokens(generation.maxTokens())
                     .stopStrings(generation.stop())
                     .sampler(sampler)
                     .parseSpecial(parseSpecial)
                     .build())) {
            StringBuilder text = new StringBuilder();
            while (stream.hasNext()) {
                String piece = stream.next();
                text.append(piece);
                pieces.accept(piece);
            }
            var completion = stream.completion();
            return new Result(text.toString(), completion.timings().promptTokens(), completion.tokens().length,
                    stream.stopReason().openAiFinishReason());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(null, e.getMessage());
        } finally {
            contexts.release(context);
        }
    }

    /** One embedding context for all requests: embedding a line is short, so they take turns. */
    @Override
    public Embedded embed(List<String> inputs) {
        synchronized (embedder) {
            List<float[]> vectors = new ArrayList<>(inputs.size());
            int tokens = 0;
            for (String input : inputs) {
                tokens += model.vocabulary().tokenize(input, true, false).length;
                try {
                    vectors.add(embedder.embed(input));
                } catch (IllegalArgumentException e) {
                    throw ApiException.invalid("input", e.getMessage());
                }
            }
            return new Embedded(vectors, tokens);
        }
    }

    private LlamaContext take() {
        try {
            return contexts.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.shuttingDown();
        }
    }

    /** OpenAI's knobs: temperature, top-p, penalties and seed; no top-k or min-p. */
    private static SamplingSettings samplingSettings(Requests.Generation generation) {
        Requests.Sampling sampling = generation.sampling();
        SamplingSettings.Builder settings = SamplingSettings.builder().noFilters()
                .temperature((float) sampling.temperature())
                .topP((float) sampling.topP())
                .penalties(1, (float) sampling.frequencyPenalty(), (float) sampling.presencePenalty())
                .grammar(generation.format().map(format -> switch (format) {
                    case Requests.OutputFormat.JsonObject ignored -> JsonSchemaGrammar.fromSchema(JSON_OBJECT_SCHEMA);
                    case Requests.OutputFormat.JsonSchema schema -> grammar(schema);
                }).orElse(null));
        sampling.seed().ifPresent(settings::seed);
        return settings.build();
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
