package io.github.panamallama.examples.server;

import io.github.panamallama.ChatMessage;
import io.github.panamallama.ChatRole;
import io.github.panamallama.ChatSession;
import io.github.panamallama.CompletionStream;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.PoolingType;
import io.github.panamallama.Sampler;
import io.github.panamallama.StopReason;
import io.github.panamallama.grammar.JsonSchemaGrammar;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * The server's engine on the panama-llama API: one model, a fixed pool of contexts (one per
 * generation slot), each used by one request at a time as the API's threading contract asks.
 */
final class LlamaEngine implements Engine {
    /** Any JSON object: the empty schema constrained to type object. */
    private static final String JSON_OBJECT_SCHEMA = "{\"type\":\"object\"}";
    private static final int PENALTY_WINDOW = 64;
    /** Longest embedding input, in tokens. */
    private static final int EMBEDDING_CONTEXT = 2048;

    private final LlamaModel model;
    private final String modelId;
    private final BlockingQueue<LlamaContext> contexts;
    private final List<LlamaContext> all = new ArrayList<>();
    private final int contextLength;
    private final String chatTemplate;
    private final LlamaContext embedder;

    LlamaEngine(LlamaModel model, String modelId, int slots, ContextOptions contextOptions) {
        this.model = model;
        this.modelId = modelId;
        this.contexts = new ArrayBlockingQueue<>(slots);
        this.chatTemplate = model.chatTemplate().orElse(ChatSession.FALLBACK_TEMPLATE);
        try {
            for (int i = 0; i < slots; i++) {
                LlamaContext context = LlamaContext.create(model, contextOptions);
                all.add(context);
                contexts.add(context);
            }
            this.embedder = LlamaContext.create(model, ContextOptions.builder()
                    .contextLength(EMBEDDING_CONTEXT).batchSize(EMBEDDING_CONTEXT).ubatchSize(EMBEDDING_CONTEXT)
                    .embeddings(true).pooling(PoolingType.MEAN).build());
            all.add(embedder);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.contextLength = all.getFirst().contextLength();
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
        try (Sampler sampler = sampler(generation);
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
                    finishReason(stream.stopReason()));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(null, e.getMessage());
        } finally {
            contexts.add(context);
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
            return contexts.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.shuttingDown();
        }
    }

    /** OpenAI's knobs on llama.cpp's chain: penalties, then top-p and temperature, or greedy at 0. */
    private Sampler sampler(Requests.Generation generation) {
        Requests.Sampling sampling = generation.sampling();
        Sampler.Builder builder = Sampler.builder(model);
        generation.format().ifPresent(format -> builder.grammar(switch (format) {
            case Requests.OutputFormat.JsonObject ignored -> JsonSchemaGrammar.fromSchema(JSON_OBJECT_SCHEMA);
            case Requests.OutputFormat.JsonSchema schema -> grammar(schema);
        }, "root"));
        if (sampling.presencePenalty() != 0 || sampling.frequencyPenalty() != 0) {
            builder.penalties(PENALTY_WINDOW, 1.0f, (float) sampling.frequencyPenalty(), (float) sampling.presencePenalty());
        }
        if (sampling.temperature() == 0) {
            return builder.greedy().build();
        }
        if (sampling.topP() < 1.0) {
            builder.topP((float) sampling.topP(), 1);
        }
        builder.temperature((float) sampling.temperature());
        return sampling.seed().map(builder::distribution).orElseGet(builder::distribution).build();
    }

    private static String grammar(Requests.OutputFormat.JsonSchema format) {
        try {
            return JsonSchemaGrammar.fromSchema(format.schema());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("response_format.json_schema.schema", e.getMessage());
        }
    }

    private static FinishReason finishReason(StopReason reason) {
        return reason == StopReason.MAX_TOKENS || reason == StopReason.CONTEXT_FULL ? FinishReason.LENGTH : FinishReason.STOP;
    }

    @Override
    public void close() {
        all.forEach(LlamaContext::close);
        model.close();
    }
}
