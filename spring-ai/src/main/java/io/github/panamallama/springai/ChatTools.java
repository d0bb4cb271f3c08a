package io.github.panamallama.springai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.panamallama.grammar.ToolCallFormat;
import io.github.panamallama.grammar.ToolCallPlan;
import io.github.panamallama.grammar.ToolCallReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/**
 * A request's {@link ToolCallback}s as a {@link ToolCallPlan} in panama-llama's
 * {@link ToolCallFormat}, the format the example server and the LangChain4j module use too, and
 * the reply read back into {@link AssistantMessage.ToolCall}s. Spring AI's
 * {@code ToolCallingAdvisor} (or the caller) runs the tools; this model never does.
 */
final class ChatTools {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatTools() {}

    /**
     * The request's tools, or empty when there are none or {@link ToolChoice#NONE} hides them.
     *
     * @throws IllegalArgumentException for {@code REQUIRED} without tools, an input schema that
     *     is not JSON, or one the grammar cannot express
     */
    static Optional<ToolCallPlan> of(PanamaLlamaChatOptions options, int maxCalls) {
        List<ToolCallback> callbacks = options.getToolCallbacks();
        ToolCallPlan.Choice choice = switch (options.getToolChoice() == null ? ToolChoice.AUTO : options.getToolChoice()) {
            case AUTO -> ToolCallPlan.Choice.AUTO;
            case REQUIRED -> ToolCallPlan.Choice.REQUIRED;
            case NONE -> ToolCallPlan.Choice.NONE;
        };
        if (!ToolCallPlan.offered(callbacks.size(), choice, "tool callback")) {
            return Optional.empty();
        }
        List<ToolCallFormat.Tool> tools = new ArrayList<>(callbacks.size());
        for (ToolCallback callback : callbacks) {
            ToolDefinition definition = callback.getToolDefinition();
            tools.add(new ToolCallFormat.Tool(definition.name(), definition.description(), schema(definition)));
        }
        return Optional.of(new ToolCallPlan(tools, choice, maxCalls));
    }

    private static JsonNode schema(ToolDefinition definition) {
        if (definition.inputSchema() == null || definition.inputSchema().isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(definition.inputSchema());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the input schema of tool '" + definition.name() + "' is not JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    static final class Reader {
        private final ToolCallReader reader;

        /** Reads one reply: passes its plain text on as it comes, and collects its calls. */
        Reader(Consumer<String> onText) {
            this.reader = new ToolCallReader(onText);
        }

        void feed(String piece) {
            reader.feed(piece);
        }

        /** Ends the reply: its plain text, and its calls if it ended with a complete list of them. */
        Reply finish() {
            ToolCallReader.Reply reply = reader.finish();
            List<AssistantMessage.ToolCall> calls = new ArrayList<>();
            if (reply.complete()) {
                for (ToolCallFormat.Call call : reply.calls()) {
                    calls.add(new AssistantMessage.ToolCall(ToolCallReader.newCallId(), "function", call.name(),
                            call.arguments()));
                }
            }
            return new Reply(calls.isEmpty() ? reply.text() : reply.text().strip(), List.copyOf(calls));
        }
    }

    /** A reply read back: its text (without the calls) and its calls. */
    record Reply(String text, List<AssistantMessage.ToolCall> calls) {}
}
