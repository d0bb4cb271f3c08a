package io.github.panamallama.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolCallReaderTest {
    private static ToolCallReader.Reply read(String reply, List<String> passed) {
        ToolCallReader reader = new ToolCallReader(passed::add);
        for (int i = 0; i < reply.length(); i += 3) {
            reader.feed(reply.substring(i, Math.min(reply.length(), i + 3)));
        }
        return reader.finish();
    }

    @Test
    void passesTextOnAndCollectsTheCalls() {
        List<String> passed = new ArrayList<>();
        ToolCallReader.Reply reply = read("Let me look. [TOOL_CALLS] [{\"name\": \"weather\", \"arguments\": {\"city\": \"Oslo\"}}]",
                passed);
        assertEquals("Let me look. ", reply.text());
        assertEquals(reply.text(), String.join("", passed), "the text, as it came, and no part of the marker");
        assertEquals(List.of(new ToolCallFormat.Call("weather", "{\"city\": \"Oslo\"}")), reply.calls());
        assertTrue(reply.complete());
    }

    @Test
    void plainTextHasNoCalls() {
        List<String> passed = new ArrayList<>();
        ToolCallReader.Reply reply = read("Just an answer, with [brackets].", passed);
        assertEquals("Just an answer, with [brackets].", reply.text());
        assertEquals(reply.text(), String.join("", passed));
        assertEquals(List.of(), reply.calls());
        assertFalse(reply.complete());
    }

    @Test
    void aReplyCutInsideItsCallsIsNotComplete() {
        ToolCallReader.Reply reply = read("[TOOL_CALLS] [{\"name\": \"a\", \"arguments\": {}}, {\"name\": \"b\", \"argu",
                new ArrayList<>());
        assertFalse(reply.complete(), "the list never closed");
        assertEquals(List.of(new ToolCallFormat.Call("a", "{}")), reply.calls(), "the calls read before the cut");
    }

    @Test
    void callIdsHaveOpenAisShape() {
        String id = ToolCallReader.newCallId();
        assertTrue(id.matches("call_[0-9a-f]{24}"), id);
        assertFalse(id.equals(ToolCallReader.newCallId()));
    }
}
