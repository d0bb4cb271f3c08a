package io.github.panamallama.langchain4j;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.internal.JsonSchemaElementUtils;
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
import io.github.panamallama.grammar.JsonSchemaGrammar;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonSchemasTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static void assertJson(String expected, JsonSchemaElement element) throws Exception {
        assertEquals(JSON.readTree(expected), JsonSchemas.toJson(element));
    }

    @Test
    void everyElementKind() throws Exception {
        JsonObjectSchema schema = JsonObjectSchema.builder()
                .description("a person")
                .addProperty("name", JsonStringSchema.builder().description("full name").build())
                .addProperty("age", new JsonIntegerSchema())
                .addProperty("height", new JsonNumberSchema())
                .addProperty("admin", new JsonBooleanSchema())
                .addProperty("role", JsonEnumSchema.builder().enumValues("user", "guest").build())
                .addProperty("tags", JsonArraySchema.builder().items(new JsonStringSchema()).build())
                .addProperty("nickname", JsonAnyOfSchema.builder().anyOf(new JsonStringSchema(), new JsonNullSchema()).build())
                .required("name", "age")
                .additionalProperties(false)
                .build();
        assertJson("""
                {"type":"object","description":"a person","properties":{
                  "name":{"type":"string","description":"full name"},
                  "age":{"type":"integer"},
                  "height":{"type":"number"},
                  "admin":{"type":"boolean"},
                  "role":{"type":"string","enum":["user","guest"]},
                  "tags":{"type":"array","items":{"type":"string"}},
                  "nickname":{"anyOf":[{"type":"string"},{"type":"null"}]}},
                 "required":["name","age"],"additionalProperties":false}""", schema);
        assertFalse(JsonSchemaGrammar.fromSchema(JsonSchemas.toJson(schema)).isBlank());
    }

    @Test
    void definitionsBecomeDefsAndReferencesPointThere() throws Exception {
        JsonObjectSchema node = JsonObjectSchema.builder()
                .addProperty("value", new JsonIntegerSchema())
                .addProperty("next", JsonAnyOfSchema.builder()
                        .anyOf(JsonReferenceSchema.builder().reference("node").build(), new JsonNullSchema()).build())
                .required("value", "next")
                .build();
        JsonObjectSchema root = JsonObjectSchema.builder()
                .addProperty("head", JsonReferenceSchema.builder().reference("node").build())
                .required("head")
                .definitions(Map.of("node", node))
                .build();
        assertJson("""
                {"type":"object","properties":{"head":{"$ref":"#/$defs/node"}},"required":["head"],
                 "$defs":{"node":{"type":"object","properties":{"value":{"type":"integer"},
                   "next":{"anyOf":[{"$ref":"#/$defs/node"},{"type":"null"}]}},"required":["value","next"]}}}""", root);
        assertTrue(JsonSchemaGrammar.fromSchema(JsonSchemas.toJson(root)).contains("root"));
    }

    @Test
    void rawSchemaIsPassedThrough() throws Exception {
        assertJson("{\"type\":\"string\",\"pattern\":\"^[a-z]+$\"}", JsonRawSchema.from("{\"type\":\"string\",\"pattern\":\"^[a-z]+$\"}"));
        IllegalArgumentException notJson = assertThrows(IllegalArgumentException.class,
                () -> JsonSchemas.toJson(JsonRawSchema.from("{\"type\":")));
        assertTrue(notJson.getMessage().contains("not JSON"), notJson.getMessage());
        IllegalArgumentException notObject = assertThrows(IllegalArgumentException.class,
                () -> JsonSchemas.toJson(JsonRawSchema.from("[1]")));
        assertTrue(notObject.getMessage().contains("ARRAY"), notObject.getMessage());
    }

    enum Color { RED, GREEN }

    record Person(String name, int age, List<String> tags, Color favourite, Address address) {}

    record Address(String street, Integer number) {}

    @Test
    void schemasLangChain4jDerivesFromClassesConvertToGrammars() {
        JsonSchemaElement element = JsonSchemaElementUtils.jsonSchemaElementFrom(Person.class);
        String grammar = JsonSchemaGrammar.fromSchema(JsonSchemas.toJson(element));
        assertTrue(grammar.contains("RED") && grammar.contains("GREEN") && grammar.contains("street"), grammar);
    }
}
