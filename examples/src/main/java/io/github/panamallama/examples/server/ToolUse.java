package io.github.panamallama.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.panamallama.grammar.ToolCallFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A chat request's {@code tools}, {@code tool_choice} and {@code parallel_tool_calls}: which
 * functions the model is told about, and the grammar that holds its calls to their schemas.
 *
 * @param function the function {@code tool_choice} names, for {@link Choice#NAMED}
 */
record ToolUse(List<ToolCallFormat.Tool> tools, Choice choice, Optional<String> function, boolean parallel) {
    /** OpenAI's {@code tool_choice}. */
    enum Choice {
        /** The model decides: free text, or calls once it writes the marker (a lazy grammar). */
        AUTO,
        /** No calls: the functions are not shown and the reply is text. */
        NONE,
        /** At least one call: the whole reply is calls. */
        REQUIRED,
        /** One call of the named function. */
        NAMED
    }

    /** The request's tools, or empty when it has none (an empty list, which some clients always send, is none). */
    static Optional<ToolUse> of(Fields fields) {
        JsonNode node = fields.node("tools");
        JsonNode choiceNode = fields.node("tool_choice");
        boolean parallel = fields.bool("parallel_tool_calls", true);
        if (node == null || (node.isArray() && node.isEmpty())) {
            if (choiceNode != null && !(choiceNode.isTextual() && Set.of("none", "auto").contains(choiceNode.textValue()))) {
                throw ApiException.invalid("tool_choice", "'tool_choice' " + choiceNode + " needs 'tools'.");
            }
            return Optional.empty();
        }
        if (!node.isArray()) {
            throw ApiException.invalid("tools", "'tools' must be an array of {\"type\": \"function\", \"function\": {...}}.");
        }
        List<ToolCallFormat.Tool> tools = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            ToolCallFormat.Tool tool = tool(node.get(i), "tools[" + i + "]");
            if (!names.add(tool.name())) {
                throw ApiException.invalid("tools[" + i + "].function.name", "Two tools are named '" + tool.name() + "'.");
            }
            tools.add(tool);
        }
        Choice choice = Choice.AUTO;
        Optional<String> function = Optional.empty();
        if (choiceNode != null && choiceNode.isTextual()) {
            choice = switch (choiceNode.textValue()) {
                case "auto" -> Choice.AUTO;
                case "none" -> Choice.NONE;
                case "required" -> Choice.REQUIRED;
                default -> throw ApiException.invalid("tool_choice",
                        "'tool_choice' must be 'auto', 'none', 'required' or {\"type\": \"function\", \"function\": {\"name\": ...}}, got '"
                                + choiceNode.textValue() + "'.");
            };
        } else if (choiceNode != null) {
            String name = choiceNode.path("function").path("name").asText("");
            if (!choiceNode.isObject() || !"function".equals(choiceNode.path("type").asText()) || name.isEmpty()) {
                throw ApiException.invalid("tool_choice",
                        "'tool_choice' must be 'auto', 'none', 'required' or {\"type\": \"function\", \"function\": {\"name\": ...}}.");
            }
            if (!names.contains(name)) {
                throw ApiException.invalid("tool_choice", "'tool_choice' names function '" + name + "', which is not in 'tools'.");
            }
            choice = Choice.NAMED;
            function = Optional.of(name);
        }
        ToolUse use = new ToolUse(List.copyOf(tools), choice, function, parallel);
        use.format(); // a schema the grammar cannot express is a 400 now, naming the tool
        return Optional.of(use);
    }

    private static ToolCallFormat.Tool tool(JsonNode node, String where) {
        if (node == null || !node.isObject() || !"function".equals(node.path("type").asText()) || !node.path("function").isObject()) {
            throw ApiException.invalid(where, where + " must be {\"type\": \"function\", \"function\": {\"name\": ...}}.");
        }
        JsonNode function = node.get("function");
        JsonNode name = function.get("name");
        if (name == null || !name.isTextual()) {
            throw ApiException.invalid(where + ".function.name", where + ".function needs a 'name'.");
        }
        JsonNode parameters = function.get("parameters");
        if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
            throw ApiException.invalid(where + ".function.parameters", where + ".function.parameters must be a JSON Schema object.");
        }
        try {
            return new ToolCallFormat.Tool(name.textValue(), function.path("description").asText(""), parameters);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(where + ".function.name", "'" + where + ".function.name': " + e.getMessage() + ".");
        }
    }

    /** Whether the reply is read for calls; with {@code none} it is plain text. */
    boolean callsPossible() {
        return choice != Choice.NONE;
    }

    /** The system-prompt block that lists the functions; empty for {@code none}. */
    Optional<String> systemPrompt() {
        return callsPossible() ? Optional.of(ToolCallFormat.systemPrompt(tools)) : Optional.empty();
    }

    /**
     * The grammar of the reply: for {@code required} and a named function the whole reply is
     * calls; for {@code auto} the same grammar waits for the marker (lazy); none for {@code none}.
     */
    Optional<Requests.OutputFormat> format() {
        int maxCalls = parallel ? Integer.MAX_VALUE : 1;
        try {
            return switch (choice) {
                case NONE -> Optional.empty();
                case AUTO -> Optional.of(new Requests.OutputFormat.ToolCalls(ToolCallFormat.grammar(tools, maxCalls),
                        Optional.of(ToolCallFormat.MARKER)));
                case REQUIRED -> Optional.of(new Requests.OutputFormat.ToolCalls(ToolCallFormat.grammar(tools, maxCalls),
                        Optional.empty()));
                case NAMED -> Optional.of(new Requests.OutputFormat.ToolCalls(ToolCallFormat.grammar(
                        tools.stream().filter(tool -> tool.name().equals(function.orElseThrow())).toList(), 1), Optional.empty()));
            };
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("tools", "'tools': " + e.getMessage());
        }
    }
}
