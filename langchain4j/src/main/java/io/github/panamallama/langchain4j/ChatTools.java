package io.github.panamallama.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ToolChoice;
import io.github.panamallama.grammar.ToolCallFormat;
import io.github.panamallama.grammar.ToolCallPlan;
import io.github.panamallama.grammar.ToolCallReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A request's {@link ToolSpecification}s as a {@link ToolCallPlan} (the functions join the
 * system prompt, a grammar holds calls to their schemas: {@link ToolChoice#REQUIRED} the whole
 * reply, {@link ToolChoice#AUTO} once the call marker is written), and the reply read back into
 * {@link ToolExecutionRequest}s.
 */
final class ChatTools {
    private ChatTools() {}

    /**
     * The request's tools, or empty when there are none or {@link ToolChoice#NONE} hides them.
     *
     * @throws IllegalArgumentException for {@code REQUIRED} without tools, or a parameter schema
     *     the grammar cannot express
     */
    static Optional<ToolCallPlan> of(ChatRequestParameters p, int maxCalls) {
        List<ToolSpecification> specifications = p.toolSpecifications() == null ? List.of() : p.toolSpecifications();
        ToolCallPlan.Choice choice = switch (p.toolChoice() == null ? ToolChoice.AUTO : p.toolChoice()) {
            case AUTO -> ToolCallPlan.Choice.AUTO;
            case REQUIRED -> ToolCallPlan.Choice.REQUIRED;
            case NONE -> ToolCallPlan.Choice.NONE;
        };
        if (!ToolCallPlan.offered(specifications.size(), choice, "tool specification")) {
            return Optional.empty();
        }
        List<ToolCallFormat.Tool> tools = new ArrayList<>(specifications.size());
        for (ToolSpecification specification : specifications) {
            tools.add(new ToolCallFormat.Tool(specification.name(), specification.description(),
                    specification.parameters() == null ? null : JsonSchemas.toJson(specification.parameters())));
        }
        return Optional.of(new ToolCallPlan(tools, choice, maxCalls));
    }

    static final class Reader {
        private final ToolCallReader reader;
        private ToolCallReader.Reply reply;

        /** Reads one reply: passes its plain text on as it comes, and collects its calls. */
        Reader(Consumer<String> onText) {
            this.reader = new ToolCallReader(onText);
        }

        void feed(String piece) {
            reader.feed(piece);
        }

        /** Whether the reply ended with a complete list of calls; after {@link #finish()}. */
        boolean called() {
            return reply.complete() && !reply.calls().isEmpty();
        }

        AiMessage finish() {
            reply = reader.finish();
            List<ToolExecutionRequest> requests = new ArrayList<>();
            for (ToolCallFormat.Call call : reply.calls()) {
                requests.add(ToolExecutionRequest.builder().id(ToolCallReader.newCallId())
                        .name(call.name()).arguments(call.arguments()).build());
            }
            String content = reply.text();
            if (requests.isEmpty()) {
                return AiMessage.from(content);
            }
            return AiMessage.builder().text(content.isBlank() ? null : content.strip()).toolExecutionRequests(requests).build();
        }
    }
}
