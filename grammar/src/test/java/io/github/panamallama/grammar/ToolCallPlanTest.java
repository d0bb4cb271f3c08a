package io.github.panamallama.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ToolCallPlanTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ToolCallFormat.Tool tool(String name, String schema) throws Exception {
        return new ToolCallFormat.Tool(name, "does " + name, JSON.readTree(schema));
    }

    @Test
    void toolsAreOfferedUnlessThereAreNoneOrNoneIsChosen() {
        assertTrue(ToolCallPlan.offered(2, ToolCallPlan.Choice.AUTO, "tool"));
        assertTrue(ToolCallPlan.offered(1, ToolCallPlan.Choice.REQUIRED, "tool"));
        assertFalse(ToolCallPlan.offered(2, ToolCallPlan.Choice.NONE, "tool"));
        assertFalse(ToolCallPlan.offered(0, ToolCallPlan.Choice.AUTO, "tool"));
        assertFalse(ToolCallPlan.offered(0, ToolCallPlan.Choice.NONE, "tool"));
        IllegalArgumentException required = assertThrows(IllegalArgumentException.class,
                () -> ToolCallPlan.offered(0, ToolCallPlan.Choice.REQUIRED, "tool callback"));
        assertEquals("toolChoice REQUIRED needs at least one tool callback", required.getMessage());
    }

    @Test
    void autoWaitsForTheMarkerAndRequiredBindsFromTheStart() throws Exception {
        List<ToolCallFormat.Tool> tools = List.of(tool("add", "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}"));
        ToolCallPlan auto = new ToolCallPlan(tools, ToolCallPlan.Choice.AUTO, Integer.MAX_VALUE);
        ToolCallPlan required = new ToolCallPlan(tools, ToolCallPlan.Choice.REQUIRED, 1);
        assertEquals(Optional.of(ToolCallFormat.MARKER), auto.trigger());
        assertEquals(Optional.empty(), required.trigger());
        assertEquals(ToolCallFormat.grammar(tools, 1), required.grammar());
        assertEquals(ToolCallFormat.systemPrompt(tools), auto.systemPrompt());
        assertEquals(tools, auto.tools());
    }

    @Test
    void aPlanNeedsCallableToolsWithSchemasTheGrammarCanExpress() throws Exception {
        ToolCallFormat.Tool bad = tool("broken", "{\"type\":\"object\",\"not\":{}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ToolCallPlan(List.of(bad), ToolCallPlan.Choice.AUTO, 1));
        assertTrue(e.getMessage().contains("'broken'"), e.getMessage());
        ToolCallFormat.Tool good = tool("add", "{\"type\":\"object\"}");
        assertThrows(IllegalArgumentException.class, () -> new ToolCallPlan(List.of(good), ToolCallPlan.Choice.NONE, 1));
        assertThrows(IllegalArgumentException.class, () -> new ToolCallPlan(List.of(), ToolCallPlan.Choice.AUTO, 1));
    }
}
