package io.github.panamallama.examples.server;

import io.github.panamallama.grammar.ToolCallParser;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One chat reply read for tool calls as it is generated: each piece becomes the OpenAI deltas a
 * stream sends (text, then per call a first delta with id, type and name and further deltas
 * with pieces of its arguments), and the whole becomes the message of a non-streamed answer.
 */
final class ToolReply {
    private final ToolCallParser parser = new ToolCallParser();
    private final StringBuilder content = new StringBuilder();
    private final List<String> ids = new ArrayList<>();

    /** The deltas for the next piece of generated text. */
    List<Responses.Delta> feed(String piece) {
        return deltas(parser.feed(piece));
    }

    /** The deltas for text held back until the reply ended. */
    List<Responses.Delta> finish() {
        return deltas(parser.finish());
    }

    private List<Responses.Delta> deltas(List<ToolCallParser.Event> events) {
        List<Responses.Delta> deltas = new ArrayList<>(events.size());
        for (ToolCallParser.Event event : events) {
            deltas.add(switch (event) {
                case ToolCallParser.Event.Text text -> {
                    content.append(text.text());
                    yield new Responses.Delta(null, text.text());
                }
                case ToolCallParser.Event.CallStart start -> {
                    String id = "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
                    ids.add(id);
                    yield new Responses.Delta(null, null, List.of(new Responses.ToolCallDelta(start.index(), id, "function",
                            new Responses.FunctionDelta(start.name(), ""))));
                }
                case ToolCallParser.Event.Arguments arguments -> new Responses.Delta(null, null, List.of(
                        new Responses.ToolCallDelta(arguments.index(), null, null, new Responses.FunctionDelta(null, arguments.piece()))));
            });
        }
        return deltas;
    }

    /** The assistant message: its text (null when it only made calls) and its complete calls. */
    Responses.Message message() {
        var calls = parser.calls();
        if (calls.isEmpty()) {
            return new Responses.Message("assistant", content.toString());
        }
        List<Responses.ToolCall> toolCalls = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            toolCalls.add(new Responses.ToolCall(ids.get(i), "function",
                    new Responses.Function(calls.get(i).name(), calls.get(i).arguments())));
        }
        String text = content.toString().strip();
        return new Responses.Message("assistant", text.isEmpty() ? null : text, toolCalls);
    }

    /** {@code tool_calls} when the reply ended with its list of calls complete; else the generation's own reason. */
    String finishReason(String generationReason) {
        return parser.complete() && !parser.calls().isEmpty() && generationReason.equals("stop") ? "tool_calls" : generationReason;
    }
}
