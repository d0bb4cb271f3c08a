package io.github.panamallama.springai;

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
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;

/**
 * The native side of {@link PanamaLlamaChatModel}: the model, a pool of contexts and the chat
 * template; runs one conversation to one reply, knowing nothing of observations or Flux.
 */
final class ChatEngine implements AutoCloseable {
    private final ModelSource source;
    private final ContextPool pool;
    private final String template;
    private final String owner;

    private ChatEngine(ModelSource source, ContextPool pool, String template, String owner) {
        this.source = source;
        this.pool = pool;
        this.template = template;
        this.owner = owner;
    }

    /**
     * @param contextLength tokens per context; {@code null} = the training length, at most 4096
     * @param threads {@code null} = panama-llama's default
     * @param chatTemplate {@code null} = the model's own, else {@link ChatSession#FALLBACK_TEMPLATE}
     */
    static ChatEngine create(ModelSource source, Integer contextLength, Integer threads, int poolSize,
            String chatTemplate, String owner) {
        try {
            LlamaModel model = source.model();
            String template = chatTemplate != null ? chatTemplate : model.chatTemplate().orElse(ChatSession.FALLBACK_TEMPLATE);
            // Fails early, naming the template, if llama.cpp does not know it.
            ChatSession.applyTemplate(template, List.of(io.github.panamallama.ChatMessage.user("test")), true);
            ContextOptions.Builder options = ContextOptions.builder()
                    .contextLength(contextLength != null ? contextLength : Math.min(4096, model.trainingContextLength()));
            if (threads != null) {
                options.threads(threads);
            }
            ContextPool pool = new ContextPool(model, options.build(), poolSize, owner);
            try {
                pool.withContext(context -> null); // context settings fail here, and the first request starts at once
            } catch (RuntimeException | Error e) {
                pool.close();
                throw e;
            }
            return new ChatEngine(source, pool, template, owner);
        } catch (RuntimeException | Error e) {
            source.close();
            throw e;
        }
    }

    LlamaModel model() {
        return source.model();
    }

    /** One finished reply. */
    record Reply(String text, List<AssistantMessage.ToolCall> toolCalls, String finishReason, int promptTokens,
            int generationTokens) {}

    /**
     * Generates the reply to {@code messages}.
     *
     * @param onText receives each piece of the reply's text as it is produced (tool calls are
     *     not text: they come in the reply)
     * @param cancelled polled after each piece; when it turns true generation stops and this
     *     returns {@code null}
     * @throws IllegalArgumentException for bad options or messages
     * @throws IllegalStateException when this engine is closed
     */
    Reply generate(List<Message> messages, PanamaLlamaChatOptions options, int maxToolCalls,
            Consumer<String> onText, BooleanSupplier cancelled) {
        if (pool.isClosed()) {
            throw new IllegalStateException(owner + " is closed");
        }
        Optional<ChatTools> tools = ChatTools.of(options, maxToolCalls);
        RequestSettings settings = RequestSettings.from(options, tools);
        String prompt = ChatPrompt.format(template, messages, tools.map(ChatTools::systemPrompt));
        ChatTools.Reader reader = tools.map(t -> t.reader(onText)).orElse(null);
        Consumer<String> pieces = reader == null ? onText : reader::feed;
        return pool.withContext(context -> {
            try (Sampler sampler = settings.sampling().newSampler(source.model());
                    CompletionStream stream = context.stream(prompt, settings.generationOptions(sampler))) {
                while (stream.hasNext()) {
                    pieces.accept(stream.next());
                    if (cancelled.getAsBoolean()) {
                        return null;
                    }
                }
                if (stream.stopReason() == StopReason.CANCELLED && pool.isClosed()) {
                    throw new IllegalStateException(owner + " was closed during the generation");
                }
                return reply(stream.completion(), reader);
            }
        });
    }

    private static Reply reply(Completion completion, ChatTools.Reader reader) {
        // OpenAI's finish reasons, upper-cased as Spring AI's OpenAI model reports them.
        String reason = completion.stopReason().openAiFinishReason().toUpperCase(Locale.ROOT);
        String text = completion.text();
        List<AssistantMessage.ToolCall> calls = List.of();
        if (reader != null) {
            ChatTools.Reply read = reader.finish();
            text = read.text();
            calls = read.calls();
            if (!calls.isEmpty()) {
                reason = "TOOL_CALLS";
            }
        }
        return new Reply(text, calls, reason, completion.timings().promptTokens(), completion.tokens().length);
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
