package io.github.panamallama.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Derives a JSON Schema from a record class, so a model can be constrained to produce JSON that
 * {@link RecordMapper} turns back into the record.
 *
 * <p>Each component becomes a property, required unless its type is {@code Optional<T>} (then
 * it may be absent or null). Component types: {@code String}; {@code boolean}; {@code byte},
 * {@code short}, {@code int} (integers within the Java type's range) and {@code long} (integer);
 * {@code float} and {@code double} (number); the boxed forms of these; enums (their constant
 * names); {@code List<T>} and arrays {@code T[]} (array; not {@code byte[]} or {@code char[]},
 * which Jackson reads as strings); {@code Map<String, V>} (object with any keys); and other
 * records, which go to {@code $defs} under their simple name (a reference to the root record is
 * {@code #}), recursion included. Objects do not allow undeclared properties. Anything else
 * throws {@link IllegalArgumentException} naming the record and the component.
 */
public final class RecordSchema {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Records already given a definition (or being given one), to their $ref. */
    private final Map<Class<?>, String> references = new HashMap<>();
    private final Map<String, JsonNode> definitions = new LinkedHashMap<>();

    private RecordSchema() {}

    /** The JSON Schema (draft 2020-12 keywords) for instances of {@code type}; a new tree each call. */
    public static ObjectNode of(Class<? extends Record> type) {
        Objects.requireNonNull(type, "type");
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record class");
        }
        RecordSchema builder = new RecordSchema();
        builder.references.put(type, "#");
        ObjectNode schema = builder.object(type);
        if (!builder.definitions.isEmpty()) {
            builder.definitions.forEach(schema.putObject("$defs")::set);
        }
        return schema;
    }

    /** The GBNF grammar for instances of {@code type}: {@link JsonSchemaGrammar} over {@link #of}. */
    public static String grammar(Class<? extends Record> type) {
        return JsonSchemaGrammar.fromSchema(of(type));
    }

    private ObjectNode object(Class<?> record) {
        ObjectNode schema = NODES.objectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = schema.putArray("required");
        for (RecordComponent component : record.getRecordComponents()) {
            Type type = component.getGenericType();
            boolean optional = rawClass(type) == Optional.class;
            if (optional) {
                Type inner = typeArgument(type, 0, record, component);
                properties.set(component.getName(), nullable(schemaFor(inner, record, component)));
            } else {
                properties.set(component.getName(), schemaFor(type, record, component));
                required.add(component.getName());
            }
        }
        if (required.isEmpty()) {
            schema.remove("required");
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    private JsonNode schemaFor(Type type, Class<?> record, RecordComponent component) {
        Class<?> raw = rawClass(type);
        if (raw == null) {
            throw unsupported(type, record, component);
        }
        if (raw == String.class) {
            return typed("string");
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return typed("boolean");
        }
        if (raw == byte.class || raw == Byte.class) {
            return typed("integer").put("minimum", Byte.MIN_VALUE).put("maximum", Byte.MAX_VALUE);
        }
        if (raw == short.class || raw == Short.class) {
            return typed("integer").put("minimum", Short.MIN_VALUE).put("maximum", Short.MAX_VALUE);
        }
        if (raw == int.class || raw == Integer.class) {
            return typed("integer").put("minimum", Integer.MIN_VALUE).put("maximum", Integer.MAX_VALUE);
        }
        if (raw == long.class || raw == Long.class) {
            return typed("integer");
        }
        if (raw == float.class || raw == Float.class || raw == double.class || raw == Double.class) {
            return typed("number");
        }
        if (raw.isEnum()) {
            Object[] constants = raw.getEnumConstants();
            if (constants.length == 0) {
                throw new IllegalArgumentException("component '" + component.getName() + "' of record "
                        + record.getName() + " has enum type " + raw.getName() + " without constants");
            }
            ObjectNode schema = typed("string");
            ArrayNode names = schema.putArray("enum");
            for (Object constant : constants) {
                names.add(((Enum<?>) constant).name());
            }
            return schema;
        }
        if (raw == List.class) {
            return array(typeArgument(type, 0, record, component), record, component);
        }
        if (raw.isArray() || type instanceof GenericArrayType) {
            if (raw == byte[].class || raw == char[].class) {
                throw unsupported(type, record, component);
            }
            Type element = type instanceof GenericArrayType generic ? generic.getGenericComponentType() : raw.getComponentType();
            return array(element, record, component);
        }
        if (raw == Map.class) {
            if (typeArgument(type, 0, record, component) != String.class) {
                throw unsupported(type, record, component);
            }
            ObjectNode schema = typed("object");
            schema.set("additionalProperties", schemaFor(typeArgument(type, 1, record, component), record, component));
            return schema;
        }
        if (raw.isRecord() && raw.getTypeParameters().length == 0) {
            return NODES.objectNode().put("$ref", reference(raw));
        }
        throw unsupported(type, record, component);
    }

    private ObjectNode array(Type element, Class<?> record, RecordComponent component) {
        if (rawClass(element) == Optional.class) {
            throw unsupported(element, record, component);
        }
        ObjectNode schema = typed("array");
        schema.set("items", schemaFor(element, record, component));
        return schema;
    }

    /** The $ref for a nested record, defining it on first sight (the entry comes first, for recursion). */
    private String reference(Class<?> record) {
        String known = references.get(record);
        if (known != null) {
            return known;
        }
        String name = record.getSimpleName();
        if (name.isEmpty() || definitions.containsKey(name)) {
            name = record.getName().replace('.', '_').replace('$', '_');
        }
        String ref = "#/$defs/" + name;
        references.put(record, ref);
        definitions.put(name, NODES.nullNode()); // reserves the name and its position
        definitions.put(name, object(record));
        return ref;
    }

    /** {@code schema} or null: a type array where the schema is a plain type, else anyOf. */
    private static JsonNode nullable(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type != null && type.isTextual() && !schema.has("enum")) {
            ObjectNode copy = ((ObjectNode) schema).deepCopy();
            copy.putArray("type").add(type.textValue()).add("null");
            return copy;
        }
        ObjectNode anyOf = NODES.objectNode();
        anyOf.putArray("anyOf").add(schema).add(typed("null"));
        return anyOf;
    }

    private static ObjectNode typed(String type) {
        return NODES.objectNode().put("type", type);
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        if (type instanceof GenericArrayType g) {
            Class<?> element = rawClass(g.getGenericComponentType());
            return element == null ? null : element.arrayType();
        }
        return null;
    }

    private static Type typeArgument(Type type, int index, Class<?> record, RecordComponent component) {
        if (!(type instanceof ParameterizedType p)) {
            throw new IllegalArgumentException("component '" + component.getName() + "' of record "
                    + record.getName() + " uses the raw type " + type.getTypeName() + ": give its type arguments");
        }
        return p.getActualTypeArguments()[index];
    }

    private static IllegalArgumentException unsupported(Type type, Class<?> record, RecordComponent component) {
        return new IllegalArgumentException("unsupported type " + type.getTypeName() + " of component '"
                + component.getName() + "' in record " + record.getName());
    }
}
