package io.github.panamallama.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolCallParserTest {
    private static final String REPLY = "Let me check. [TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Pa}ris\\\"\", \"days\": [1, {\"x\": 2}]}},"
            + " {\"name\":\"time\",\"arguments\":{}}]";

    /** Feeds the reply in pieces of {@code size} characters, collecting every event. */
    private static List<ToolCallParser.Event> feed(ToolCallParser parser, String reply, int size) {
        List<ToolCallParser.Event> events = new ArrayList<>();
        for (int i = 0; i < reply.length(); i += size) {
            events.addAll(parser.feed(reply.substring(i, Math.min(reply.length(), i + size))));
        }
        events.addAll(parser.finish());
        return events;
    }

    @Test
    void readsTextThenCallsWhateverThePieceSize() {
        for (int size = 1; size <= REPLY.length(); size++) {
            ToolCallParser parser = new ToolCallParser();
            List<ToolCallParser.Event> events = feed(parser, REPLY, size);
            StringBuilder text = new StringBuilder();
            List<String> names = new ArrayList<>();
            StringBuilder[] arguments = {new StringBuilder(), new StringBuilder()};
            for (ToolCallParser.Event event : events) {
                switch (event) {
                    case ToolCallParser.Event.Text t -> text.append(t.text());
                    case ToolCallParser.Event.CallStart start -> {
                        assertEquals(names.size(), start.index());
                        names.add(start.name());
                    }
                    case ToolCallParser.Event.Arguments piece -> arguments[piece.index()].append(piece.piece());
                }
            }
            assertEquals("Let me check. ", text.toString(), "size " + size);
            assertEquals(List.of("get_weather", "time"), names);
            assertEquals("{\"city\": \"Pa}ris\\\"\", \"days\": [1, {\"x\": 2}]}", arguments[0].toString());
            assertEquals("{}", arguments[1].toString());
            assertEquals(List.of(new ToolCallFormat.Call("get_weather", arguments[0].toString()),
                    new ToolCallFormat.Call("time", "{}")), parser.calls());
            assertTrue(parser.complete());
            assertFalse(parser.failed());
        }
    }

    @Test
    void textThatOnlyStartsLikeTheMarkerIsText() {
        ToolCallParser parser = new ToolCallParser();
        List<ToolCallParser.Event> events = feed(parser, "a [TOOL_CALL] b [TOOL", 3);
        String text = events.stream().map(e -> ((ToolCallParser.Event.Text) e).text()).reduce("", String::concat);
        assertEquals("a [TOOL_CALL] b [TOOL", text);
        assertTrue(parser.calls().isEmpty());
        assertFalse(parser.complete());
    }

    @Test
    void aBrokenListIsGivenBackAsText() {
        ToolCallParser parser = new ToolCallParser();
        List<ToolCallParser.Event> events = feed(parser, "[TOOL_CALLS] {\"name\": 1} tail", 4);
        String text = events.stream().map(e -> ((ToolCallParser.Event.Text) e).text()).reduce("", String::concat);
        assertEquals("[TOOL_CALLS] {\"name\": 1} tail", text);
        assertTrue(parser.failed());
        assertTrue(parser.calls().isEmpty());
    }
}
