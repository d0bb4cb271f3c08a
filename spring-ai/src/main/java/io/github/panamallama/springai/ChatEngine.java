package io.github.panamallama.springai;

import io.github.panamallama.ChatPool;
import io.github.panamallama.Completion;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.ModelSource;
import io.github.panamallama.grammar.ToolCallPlan;
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
    private final ChatPool pool;

    private ChatEngine(ModelSource source, ChatPool pool) {
        this.source = source;
        this.pool = pool;
    }

    /** An engine over {@code source}'s model, closing the source if the pool cannot be built. */
    static ChatEngine create(ModelSource source, ChatPool.Builder settings) {
        try {
            return new ChatEngine(source, settings.build(source.model()));
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
            throw new IllegalStateException(pool.name() + " is closed");
        }
        Optional<ToolCallPlan> tools = ChatTools.of(options, maxToolCalls);
        RequestSettings settings = RequestSettings.from(options, tools);
        String prompt = ChatPrompt.format(pool.template(), messages, tools.map(ToolCallPlan::systemPrompt));
        ChatTools.Reader reader = tools.map(plan -> new ChatTools.Reader(onText)).orElse(null);
        Consumer<String> pieces = reader == null ? onText : reader::feed;
        return pool.complete(prompt, settings.sampling(), settings::generationOptions, pieces, cancelled)
                .map(completion -> reply(completion, reader)).orElse(null);
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
