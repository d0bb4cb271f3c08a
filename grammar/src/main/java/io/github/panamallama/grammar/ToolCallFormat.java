package io.github.panamallama.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The tool-call format panama-llama uses with models whose chat template cannot carry tools
 * (llama.cpp's {@code llama_chat_apply_template} takes only a role and a text per message, so
 * no template can): the functions are listed in the system prompt as JSON schemas, and a call
 * is the text {@value #MARKER} followed by a JSON array of {@code {"name": ..., "arguments":
 * {...}}} objects, which is the format Mistral's later instruct models were trained on. Results
 * go back as {@value #RESULTS_OPEN} blocks in a user turn.
 *
 * <p>{@link #grammar} constrains a reply to exactly that shape, with each function's
 * arguments constrained by its parameter schema ({@link JsonSchemaGrammar}); the grammar
 * includes the marker, so it can also serve as a lazy grammar triggered by the marker.
 * {@link ToolCallParser} reads replies back, piece by piece.
 */
public final class ToolCallFormat {
    /** Opens a reply's list of calls. */
    public static final String MARKER = "[TOOL_CALLS]";
    /** Opens a function's result in the history. */
    public static final String RESULTS_OPEN = "[TOOL_RESULTS]";
    /** Closes a function's result. */
    public static final String RESULTS_CLOSE = "[/TOOL_RESULTS]";
    /** OpenAI's rule for function names. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ToolCallFormat() {}

    /**
     * A function the model may call.
     *
     * @param description empty when there is none
     * @param parameters the JSON Schema of its arguments, an object schema; {@code null} = no arguments
     */
    public record Tool(String name, String description, JsonNode parameters) {
        /** @throws IllegalArgumentException for a name OpenAI would refuse */
        public Tool {
            Objects.requireNonNull(name, "name");
            description = description == null ? "" : description;
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("function name '" + name + "' must be 1 to 64 letters, digits, '_' or '-'");
            }
            if (parameters == null || parameters.isNull()) {
                parameters = NODES.objectNode().put("type", "object").set("properties", NODES.objectNode());
            }
        }
    }

    /**
     * One call the model made.
     *
     * @param arguments the arguments' JSON text, as generated
     */
    public record Call(String name, String arguments) {
        public Call {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(arguments, "arguments");
        }
    }

    /**
     * The system-prompt block that lists the functions and says how to call them.
     *
     * @throws IllegalArgumentException if {@code tools} is empty
     */
    public static String systemPrompt(List<Tool> tools) {
        requireTools(tools);
        ArrayNode list = NODES.arrayNode();
        for (Tool tool : tools) {
            ObjectNode function = NODES.objectNode().put("name", tool.name());
            if (!tool.description().isEmpty()) {
                function.put("description", tool.description());
            }
            function.set("parameters", tool.parameters());
            list.addObject().put("type", "function").set("function", function);
        }
        return "[AVAILABLE_TOOLS] " + list + " [/AVAILABLE_TOOLS]\n"
                + "You can call the functions above. To call them, reply with " + MARKER
                + " followed by a JSON array of calls and nothing else, for example:\n"
                + MARKER + " [{\"name\": \"function_name\", \"arguments\": {\"argument\": \"value\"}}]\n"
                + "Each result comes back as " + RESULTS_OPEN + " {\"call_id\": ..., \"name\": ..., \"content\": ...} "
                + RESULTS_CLOSE + ".";
    }

    /** How an assistant turn that made {@code calls} reads in the history (after its text, if any). */
    public static String callsText(String content, List<Call> calls) {
        ArrayNode list = NODES.arrayNode();
        for (Call call : calls) {
            ObjectNode item = list.addObject().put("name", call.name());
            item.set("arguments", argumentsNode(call));
        }
        String text = content == null ? "" : content.strip();
        return (text.isEmpty() ? "" : text + " ") + MARKER + " " + list;
    }

    /** How one function result reads in the history. */
    public static String resultText(String callId, String name, String content) {
        ObjectNode result = NODES.objectNode();
        if (callId != null) {
            result.put("call_id", callId);
        }
        if (name != null) {
            result.put("name", name);
        }
        result.put("content", content == null ? "" : content);
        return RESULTS_OPEN + " " + result + " " + RESULTS_CLOSE;
    }

    /**
     * GBNF (root rule {@code root}) for a whole reply of calls: the marker, then an array of 1 to
     * {@code maxCalls} calls, each naming one of {@code tools} with arguments its schema accepts.
     *
     * @throws IllegalArgumentException if a tool's parameter schema cannot be converted (the
     *     message names the tool)
     */
    public static String grammar(List<Tool> tools, int maxCalls) {
        requireTools(tools);
        if (maxCalls < 1) {
            throw new IllegalArgumentException("maxCalls must be >= 1: " + maxCalls);
        }
        Set<String> names = new HashSet<>();
        ArrayNode choices = NODES.arrayNode();
        for (int i = 0; i < tools.size(); i++) {
            Tool tool = tools.get(i);
            if (!names.add(tool.name())) {
                throw new IllegalArgumentException("two functions are named '" + tool.name() + "'");
            }
            String pointer = tools.size() == 1 ? "#/items/properties/arguments" : "#/items/anyOf/" + i + "/properties/arguments";
            ObjectNode properties = NODES.objectNode();
            properties.set("name", NODES.objectNode().set("const", TextNode.valueOf(tool.name())));
            properties.set("arguments", rebaseRefs(tool.parameters(), pointer));
            ObjectNode call = NODES.objectNode().put("type", "object");
            call.set("properties", properties);
            call.set("required", NODES.arrayNode().add("name").add("arguments"));
            call.put("additionalProperties", false);
            choices.add(call);
            try {
                JsonSchemaGrammar.fromSchema(tool.parameters()); // names the tool when its own schema is the problem
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("function '" + tool.name() + "': " + e.getMessage(), e);
            }
        }
        ObjectNode array = NODES.objectNode().put("type", "array").put("minItems", 1);
        if (maxCalls <= SchemaConverter.MAX_COUNT) {
            array.put("maxItems", maxCalls);
        }
        array.set("items", choices.size() == 1 ? choices.get(0) : NODES.objectNode().set("anyOf", choices));
        String list = JsonSchemaGrammar.fromSchema(array);
        String listRule = freeName(list, "tool-call-list");
        // The converter writes its root first; renamed, it becomes the list after the marker.
        String renamed = listRule + list.substring(GbnfRules.ROOT.length());
        return GbnfRules.ROOT + " ::= " + Gbnf.literal(MARKER) + " \" \"? " + listRule + "\n" + renamed;
    }

    private static String freeName(String grammar, String base) {
        String name = base;
        for (int n = 2; grammar.contains("\n" + name + " ::=") || grammar.startsWith(name + " ::="); n++) {
            name = base + "-" + n;
        }
        return name;
    }

    /**
     * A tool's schema is placed inside a larger document, so its own references ({@code #/...})
     * must point into its new place ({@code pointer/...}).
     */
    private static JsonNode rebaseRefs(JsonNode schema, String pointer) {
        if (schema.isObject()) {
            ObjectNode copy = NODES.objectNode();
            for (Map.Entry<String, JsonNode> entry : schema.properties()) {
                JsonNode value = entry.getValue();
                if (entry.getKey().equals("$ref") && value.isTextual() && value.textValue().startsWith("#")) {
                    copy.put("$ref", pointer + value.textValue().substring(1));
                } else {
                    copy.set(entry.getKey(), rebaseRefs(value, pointer));
                }
            }
            return copy;
        }
        if (schema.isArray()) {
            ArrayNode copy = NODES.arrayNode();
            schema.forEach(item -> copy.add(rebaseRefs(item, pointer)));
            return copy;
        }
        return schema;
    }

    private static JsonNode argumentsNode(Call call) {
        try {
            return JSON.readTree(call.arguments());
        } catch (Exception e) {
            return TextNode.valueOf(call.arguments()); // history as the client sent it, even if not JSON
        }
    }

    private static void requireTools(List<Tool> tools) {
        Objects.requireNonNull(tools, "tools");
        if (tools.isEmpty()) {
            throw new IllegalArgumentException("no tools given");
        }
        tools.forEach(tool -> Objects.requireNonNull(tool, "tool"));
    }

    /** Jackson's reading of a function name written by the grammar (a JSON string). */
    static String unquote(String jsonString) {
        try {
            return JSON.readValue(jsonString, String.class);
        } catch (Exception e) {
            throw new IllegalArgumentException("not a JSON string: " + jsonString, e);
        }
    }
}
