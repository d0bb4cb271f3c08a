package io.github.panamallama.grammar;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Reads one whole reply for an in-process chat model: passes its plain text on as it is generated
 * (text that could start the {@value ToolCallFormat#MARKER} marker held back until it is known not
 * to), and at the end gives the text and the calls. The integrations (LangChain4j, Spring AI) turn
 * the result into their own message types; a server that streams the calls' pieces uses
 * {@link ToolCallParser} directly. Not thread-safe: one reader per reply.
 */
public final class ToolCallReader {
    private final ToolCallParser parser = new ToolCallParser();
    private final StringBuilder text = new StringBuilder();
    private final Consumer<String> onText;

    /** {@code onText} gets each piece of plain text, in order. */
    public ToolCallReader(Consumer<String> onText) {
        this.onText = Objects.requireNonNull(onText, "onText");
    }

    /** Reads the next generated piece. */
    public void feed(String piece) {
        pass(parser.feed(piece));
    }

    /** Ends the reply: what it said and which calls it made. */
    public Reply finish() {
        pass(parser.finish());
        return new Reply(text.toString(), parser.calls(), parser.complete());
    }

    private void pass(List<ToolCallParser.Event> events) {
        for (ToolCallParser.Event event : events) {
            if (event instanceof ToolCallParser.Event.Text piece) {
                text.append(piece.text());
                onText.accept(piece.text());
            }
        }
    }

    /** A new call id in OpenAI's shape: {@code call_} and 24 hexadecimal digits. */
    public static String newCallId() {
        return "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    /**
     * A reply read back.
     *
     * @param text its plain text, without the calls
     * @param calls the calls read, in order
     * @param complete whether the calls ended as a complete list (false when there are none, or
     *     when the reply stopped inside them)
     */
    public record Reply(String text, List<ToolCallFormat.Call> calls, boolean complete) {
        public Reply {
            Objects.requireNonNull(text, "text");
            calls = List.copyOf(calls);
        }
    }
}
