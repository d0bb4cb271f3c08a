package io.github.panamallama.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonReferenceSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.Map;

/**
 * Writes LangChain4j's JSON Schema model as a standard JSON Schema document, which
 * {@link io.github.panamallama.grammar.JsonSchemaGrammar} turns into a grammar. LangChain4j keeps
 * an object's {@code definitions} by name and refers to them by name; they become
 * {@code $defs} and {@code #/$defs/<name>} (definitions belong on the root element, as
 * LangChain4j puts them).
 */
final class JsonSchemas {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonSchemas() {}

    /**
     * @throws IllegalArgumentException for an element type this converter does not know, or a
     *     raw schema that is not JSON
     */
    static ObjectNode toJson(JsonSchemaElement element) {
        ObjectNode node = switch (element) {
            case JsonObjectSchema object -> object(object);
            case JsonArraySchema array -> {
                ObjectNode n = typed("array");
                if (array.items() != null) {
                    n.set("items", toJson(array.items()));
                }
                yield n;
            }
            case JsonStringSchema s -> typed("string");
            case JsonIntegerSchema i -> typed("integer");
            case JsonNumberSchema n -> typed("number");
            case JsonBooleanSchema b -> typed("boolean");
            case JsonNullSchema n -> typed("null");
            case JsonEnumSchema e -> {
                ObjectNode n = typed("string");
                ArrayNode values = n.putArray("enum");
                e.enumValues().forEach(values::add);
                yield n;
            }
            case JsonAnyOfSchema anyOf -> {
                ObjectNode n = NODES.objectNode();
                ArrayNode branches = n.putArray("anyOf");
                anyOf.anyOf().forEach(branch -> branches.add(toJson(branch)));
                yield n;
            }
            case JsonReferenceSchema reference -> {
                ObjectNode n = NODES.objectNode();
                n.put("$ref", "#/$defs/" + reference.reference());
                yield n;
            }
            case JsonRawSchema raw -> raw(raw.schema());
            default -> throw new IllegalArgumentException("unsupported JSON schema element "
                    + element.getClass().getName());
        };
        if (element.description() != null && !node.has("description")) {
            node.put("description", element.description());
        }
        return node;
    }

    private static ObjectNode object(JsonObjectSchema object) {
        ObjectNode n = typed("object");
        if (object.properties() != null && !object.properties().isEmpty()) {
            ObjectNode properties = n.putObject("properties");
            for (Map.Entry<String, JsonSchemaElement> property : object.properties().entrySet()) {
                properties.set(property.getKey(), toJson(property.getValue()));
            }
        }
        if (object.required() != null && !object.required().isEmpty()) {
            ArrayNode required = n.putArray("required");
            object.required().forEach(required::add);
        }
        if (object.additionalProperties() != null) {
            n.put("additionalProperties", object.additionalProperties());
        }
        if (object.definitions() != null && !object.definitions().isEmpty()) {
            ObjectNode defs = n.putObject("$defs");
            for (Map.Entry<String, JsonSchemaElement> definition : object.definitions().entrySet()) {
                defs.set(definition.getKey(), toJson(definition.getValue()));
            }
        }
        return n;
    }

    private static ObjectNode raw(String schema) {
        if (schema == null) {
            throw new IllegalArgumentException("the raw JSON schema is null");
        }
        JsonNode parsed;
        try {
            parsed = MAPPER.readTree(schema);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the raw JSON schema is not JSON: " + e.getOriginalMessage(), e);
        }
        if (!(parsed instanceof ObjectNode object)) {
            throw new IllegalArgumentException("the raw JSON schema must be a JSON object, not " + parsed.getNodeType());
        }
        return object;
    }

    private static ObjectNode typed(String type) {
        ObjectNode n = NODES.objectNode();
        n.put("type", type);
        return n;
    }
}
