package io.github.panamallama.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolCallFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ToolCallFormat.Tool tool(String name, String schema) throws Exception {
        return new ToolCallFormat.Tool(name, "does " + name, JSON.readTree(schema));
    }

    @Test
    void grammarStartsWithTheMarkerAndNamesEachFunction() throws Exception {
        String gbnf = ToolCallFormat.grammar(List.of(
                tool("get_weather", "{\"type\":\"object\",\"properties\":{\"city\":{\"enum\":[\"Paris\",\"Oslo\"]}},\"required\":[\"city\"]}"),
                tool("add", "{\"type\":\"object\",\"properties\":{\"n\":{\"$ref\":\"#/$defs/n\"}},\"$defs\":{\"n\":{\"type\":\"integer\"}}}")),
                1);
        assertTrue(gbnf.startsWith("root ::= \"[TOOL_CALLS]\" \" \"? tool-call-list\n"), gbnf);
        assertTrue(gbnf.contains("\\\"get_weather\\\""), gbnf);
        assertTrue(gbnf.contains("\\\"add\\\""), gbnf);
        assertTrue(gbnf.contains("\\\"Oslo\\\""), gbnf);
        assertEquals(1, gbnf.lines().filter(line -> line.startsWith("root ::=")).count());
    }

    @Test
    void aBadSchemaNamesItsFunction() throws Exception {
        var bad = tool("broken", "{\"type\":\"object\",\"not\":{}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ToolCallFormat.grammar(List.of(bad), 1));
        assertTrue(e.getMessage().contains("'broken'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ToolCallFormat.Tool("no spaces", null, null));
    }

    @Test
    void historyTextsReadBackWithTheParser() {
        String text = ToolCallFormat.callsText("", List.of(new ToolCallFormat.Call("f", "{\"a\": 1}")));
        assertEquals("[TOOL_CALLS] [{\"name\":\"f\",\"arguments\":{\"a\":1}}]", text);
        ToolCallParser parser = new ToolCallParser();
        parser.feed(text);
        assertEquals(List.of(new ToolCallFormat.Call("f", "{\"a\":1}")), parser.calls());
        assertEquals("[TOOL_RESULTS] {\"call_id\":\"c1\",\"name\":\"f\",\"content\":\"22\"} [/TOOL_RESULTS]",
                ToolCallFormat.resultText("c1", "f", "22"));
        assertTrue(ToolCallFormat.systemPrompt(List.of(new ToolCallFormat.Tool("f", null, null)))
                .startsWith("[AVAILABLE_TOOLS] [{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":"));
    }
}
