package io.github.panamallama.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.panamallama.grammar.ToolCallFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A chat's messages as the chat template takes them (system, user, assistant, text only):
 * assistant calls and tool results become text in {@link ToolCallFormat}, and the list of
 * functions joins the system prompt. llama.cpp's template API carries nothing else, so this is
 * the one format for every model.
 */
final class ToolMessages {
    private ToolMessages() {}

    /**
     * @param toolsPrompt the block listing the functions, if the model may call them
     * @throws ApiException 400 naming the message that cannot be read
     */
    static List<Requests.Message> render(JsonNode messages, Optional<String> toolsPrompt) {
        List<Requests.Message> rendered = new ArrayList<>();
        Map<String, String> callNames = new HashMap<>();
        boolean previousWasTool = false;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode node = messages.get(i);
            String where = "messages[" + i + "]";
            String role = node == null ? "" : node.path("role").asText("");
            if (role.equals("tool")) {
                String result = toolResult(node, where, callNames);
                if (previousWasTool) {
                    // One user turn for all results of one round of calls: templates alternate turns.
                    Requests.Message last = rendered.removeLast();
                    rendered.add(new Requests.Message("user", last.content() + "\n" + result));
                } else {
                    rendered.add(new Requests.Message("user", result));
                }
                previousWasTool = true;
                continue;
            }
            previousWasTool = false;
            JsonNode calls = node == null ? null : node.get("tool_calls");
            if (role.equals("assistant") && calls != null && !calls.isNull() && !(calls.isArray() && calls.isEmpty())) {
                rendered.add(new Requests.Message("assistant", assistantCalls(node, calls, where, callNames)));
            } else {
                rendered.add(Requests.message(node, where));
            }
        }
        toolsPrompt.ifPresent(block -> {
            if (!rendered.isEmpty() && rendered.getFirst().role().equals("system")) {
                Requests.Message system = rendered.removeFirst();
                rendered.addFirst(new Requests.Message("system", system.content() + "\n\n" + block));
            } else {
                rendered.addFirst(new Requests.Message("system", block));
            }
        });
        return rendered;
    }

    private static String toolResult(JsonNode node, String where, Map<String, String> callNames) {
        JsonNode id = node.get("tool_call_id");
        if (id == null || !id.isTextual()) {
            throw ApiException.invalid(where + ".tool_call_id", where + " is a 'tool' message without a 'tool_call_id' string.");
        }
        String content = Requests.text(node.get("content"), where);
        String name = callNames.get(id.textValue());
        if (name == null) {
            throw ApiException.invalid(where + ".tool_call_id", where + " answers call '" + id.textValue()
                    + "', which no earlier assistant message made.");
        }
        return ToolCallFormat.resultText(id.textValue(), name, content);
    }

    private static String assistantCalls(JsonNode node, JsonNode calls, String where, Map<String, String> callNames) {
        if (!calls.isArray()) {
            throw ApiException.invalid(where + ".tool_calls", where + ".tool_calls must be an array.");
        }
        List<ToolCallFormat.Call> parsed = new ArrayList<>();
        for (int j = 0; j < calls.size(); j++) {
            JsonNode call = calls.get(j);
            String at = where + ".tool_calls[" + j + "]";
            JsonNode function = call.path("function");
            if (!call.path("id").isTextual() || !function.path("name").isTextual() || !function.path("arguments").isTextual()) {
                throw ApiException.invalid(at, at + " must be {\"id\": ..., \"type\": \"function\", \"function\": {\"name\": ..., \"arguments\": \"...\"}}.");
            }
            callNames.put(call.get("id").textValue(), function.get("name").textValue());
            parsed.add(new ToolCallFormat.Call(function.get("name").textValue(), function.get("arguments").textValue()));
        }
        JsonNode content = node.get("content");
        String text = content == null || content.isNull() ? "" : Requests.text(content, where);
        return ToolCallFormat.callsText(text, parsed);
    }
}
