package io.github.panamallama.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One conversion of a schema document to GBNF; see {@link JsonSchemaGrammar} for the contract. */
final class SchemaConverter {
    /** Keywords that never change which documents are valid. */
    private static final Set<String> ANNOTATIONS = Set.of(
            "$schema", "$id", "$comment", "$defs", "definitions", "title", "description", "default",
            "examples", "deprecated", "readOnly", "writeOnly", "contentMediaType", "contentEncoding");
    private static final Set<String> ASSERTIONS = Set.of(
            "type", "properties", "required", "additionalProperties", "items", "prefixItems", "minItems", "maxItems",
            "uniqueItems", "minLength", "maxLength", "pattern", "format", "enum", "const", "anyOf", "oneOf",
            "allOf", "$ref", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum");
    private static final List<String> TYPES = List.of("object", "array", "string", "integer", "number", "boolean", "null");
    private static final Set<String> OBJECT_KEYWORDS = Set.of("properties", "required", "additionalProperties");
    private static final Set<String> ARRAY_KEYWORDS = Set.of("items", "prefixItems", "minItems", "maxItems", "uniqueItems");
    private static final Set<String> STRING_KEYWORDS = Set.of("minLength", "maxLength", "pattern", "format");
    // A list: it is iterated, and error messages must not depend on Set.of's per-run order.
    static final List<String> NUMERIC_KEYWORDS = List.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum");

    /**
     * Largest minItems/maxItems/minLength/maxLength. llama.cpp refuses a repetition whose minimum
     * exceeds 2000 and silently drops a maximum above 2000 (the grammar would then accept more
     * than the schema), so larger bounds are rejected here.
     */
    static final int MAX_COUNT = 2_000;

    private final JsonNode document;
    private final GbnfRules rules = new GbnfRules();
    /** $ref string to the rule standing for its target; filled before the target is converted, for recursion. */
    private final Map<String, String> refRules = new HashMap<>();
    /**
     * References being converted since the last character the grammar consumes. Meeting one of
     * them again would be left recursion, which llama.cpp's grammar engine rejects.
     */
    private Set<String> leadingRefs = new HashSet<>(Set.of("#"));

    SchemaConverter(JsonNode document) {
        this.document = document;
    }

    String convert() {
        refRules.put("#", GbnfRules.ROOT);
        String root = expression(document, "", GbnfRules.ROOT);
        return rules.render(root);
    }

    /** GBNF for the values {@code schema} accepts, usable as one element of a sequence. */
    private String expression(JsonNode schema, String pointer, String hint) {
        if (schema.isBoolean()) {
            if (!schema.booleanValue()) {
                throw error(pointer, "schema 'false' accepts nothing");
            }
            return rules.use(Primitive.VALUE);
        }
        if (!schema.isObject()) {
            throw error(pointer, "a schema must be an object or a boolean, found " + schema.getNodeType());
        }
        checkKeywords(schema, pointer);
        if (schema.has("$ref")) {
            onlyWith(schema, pointer, "$ref");
            return reference(schema.get("$ref"), pointer + "/$ref");
        }
        if (schema.has("const")) {
            return Gbnf.literal(schema.get("const").toString());
        }
        if (schema.has("enum")) {
            return enumeration(schema, pointer);
        }
        for (String combinator : List.of("anyOf", "oneOf")) {
            if (schema.has(combinator)) {
                onlyWith(schema, pointer, combinator);
                return alternatives(schema.get(combinator), pointer + "/" + combinator, hint);
            }
        }
        if (schema.has("allOf")) {
            return expression(mergeAllOf(schema, pointer), pointer + "/allOf", hint);
        }
        List<String> types = types(schema, pointer);
        if (types.size() == 1) {
            return typed(schema, types.getFirst(), pointer, hint);
        }
        List<String> branches = new ArrayList<>();
        for (String type : types) {
            branches.add(typed(schema, type, pointer, hint + "-" + type));
        }
        return "( " + String.join(" | ", branches) + " )";
    }

    private void checkKeywords(JsonNode schema, String pointer) {
        for (Iterator<String> names = schema.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!ANNOTATIONS.contains(name) && !ASSERTIONS.contains(name)) {
                throw error(pointer, "unsupported keyword '" + name + "'");
            }
        }
        if (!pointer.isEmpty() && schema.has("$id")) {
            throw error(pointer, "unsupported keyword '$id' below the root (it changes what '$ref' resolves against)");
        }
        JsonNode unique = schema.get("uniqueItems");
        if (unique != null && !(unique.isBoolean() && !unique.booleanValue())) {
            throw error(pointer + "/uniqueItems", "unsupported keyword 'uniqueItems' (only false is supported)");
        }
    }

    /** Rejects keywords that would have to hold together with {@code keyword}, which this converter cannot combine. */
    private void onlyWith(JsonNode schema, String pointer, String keyword) {
        for (Iterator<String> names = schema.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals(keyword) && !ANNOTATIONS.contains(name)) {
                throw error(pointer, "unsupported keyword '" + name + "' beside '" + keyword + "'");
            }
        }
    }

    private String reference(JsonNode ref, String pointer) {
        if (!ref.isTextual()) {
            throw error(pointer, "'$ref' must be a string");
        }
        String target = ref.textValue();
        if (leadingRefs.contains(target)) {
            throw error(pointer, "'$ref' '" + target + "' leads back to itself before any character is generated"
                    + " (left recursion)");
        }
        String known = refRules.get(target);
        if (known != null) {
            return known;
        }
        if (!target.startsWith("#/")) {
            throw error(pointer, "unsupported '$ref' '" + target + "': only references inside the document (#/...) are supported");
        }
        String targetPointer = target.substring(1);
        JsonNode resolved;
        try {
            resolved = document.at(targetPointer);
        } catch (IllegalArgumentException e) {
            throw error(pointer, "bad '$ref' '" + target + "': " + e.getMessage());
        }
        if (resolved.isMissingNode()) {
            throw error(pointer, "'$ref' '" + target + "' points to nothing");
        }
        String name = rules.reserve(unescapePointer(targetPointer.substring(targetPointer.lastIndexOf('/') + 1)));
        refRules.put(target, name);
        leadingRefs.add(target);
        try {
            rules.define(name, expression(resolved, targetPointer, name));
        } finally {
            leadingRefs.remove(target);
        }
        return name;
    }

    private String enumeration(JsonNode schema, String pointer) {
        JsonNode values = schema.get("enum");
        if (!values.isArray() || values.isEmpty()) {
            throw error(pointer + "/enum", "'enum' must be a non-empty array");
        }
        List<String> allowedTypes = schema.has("type") ? types(schema, pointer) : TYPES;
        Set<String> literals = new LinkedHashSet<>();
        for (JsonNode value : values) {
            if (allowedTypes.stream().anyMatch(type -> hasType(value, type))) {
                literals.add(Gbnf.literal(value.toString()));
            }
        }
        if (literals.isEmpty()) {
            throw error(pointer + "/enum", "no 'enum' value has the schema's type " + allowedTypes);
        }
        return literals.size() == 1 ? literals.iterator().next() : "( " + String.join(" | ", literals) + " )";
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber() || (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0);
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> false;
        };
    }

    private String alternatives(JsonNode branches, String pointer, String hint) {
        if (!branches.isArray() || branches.isEmpty()) {
            throw error(pointer, "must be a non-empty array of schemas");
        }
        List<String> expressions = new ArrayList<>();
        for (int i = 0; i < branches.size(); i++) {
            expressions.add(expression(branches.get(i), pointer + "/" + i, hint + "-" + i));
        }
        return expressions.size() == 1 ? expressions.getFirst() : "( " + String.join(" | ", expressions) + " )";
    }

    /**
     * allOf of object schemas (directly or by $ref) becomes one object schema with every
     * property and every requirement. Anything else cannot be merged and is rejected.
     */
    private JsonNode mergeAllOf(JsonNode schema, String pointer) {
        JsonNode branches = schema.get("allOf");
        if (!branches.isArray() || branches.isEmpty()) {
            throw error(pointer + "/allOf", "must be a non-empty array of schemas");
        }
        ObjectNode merged = JsonNodeFactory.instance.objectNode();
        ObjectNode properties = merged.putObject("properties");
        Set<String> required = new LinkedHashSet<>();
        List<JsonNode> parts = new ArrayList<>();
        List<String> partPointers = new ArrayList<>();
        ObjectNode own = schema.deepCopy();
        own.remove("allOf");
        parts.add(own);
        partPointers.add(pointer);
        for (int i = 0; i < branches.size(); i++) {
            JsonNode branch = branches.get(i);
            String branchPointer = pointer + "/allOf/" + i;
            Set<String> followed = new HashSet<>();
            while (branch.isObject() && branch.has("$ref") && branch.get("$ref").isTextual()
                    && branch.get("$ref").textValue().startsWith("#/")) {
                onlyWith(branch, branchPointer, "$ref");
                if (!followed.add(branch.get("$ref").textValue())) {
                    throw error(branchPointer, "'$ref' cycle without any schema in it");
                }
                branchPointer = branch.get("$ref").textValue().substring(1);
                branch = document.at(branchPointer);
            }
            parts.add(branch);
            partPointers.add(branchPointer);
        }
        for (int i = 0; i < parts.size(); i++) {
            JsonNode part = parts.get(i);
            String partPointer = partPointers.get(i);
            if (!part.isObject()) {
                throw error(partPointer, "'allOf' is supported only for object schemas");
            }
            checkKeywords(part, partPointer);
            for (Iterator<String> names = part.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                boolean objectType = name.equals("type") && part.get(name).isTextual() && part.get(name).textValue().equals("object");
                if (!ANNOTATIONS.contains(name) && !objectType && !name.equals("properties") && !name.equals("required")) {
                    throw error(partPointer, "unsupported keyword '" + name + "' in an 'allOf' of objects");
                }
            }
            JsonNode partProperties = part.path("properties");
            for (Map.Entry<String, JsonNode> property : partProperties.properties()) {
                JsonNode previous = properties.get(property.getKey());
                if (previous != null && !previous.equals(property.getValue())) {
                    throw error(partPointer + "/properties/" + escapePointer(property.getKey()),
                            "'allOf' branches give property '" + property.getKey() + "' different schemas");
                }
                properties.set(property.getKey(), property.getValue());
            }
            for (JsonNode name : part.path("required")) {
                required.add(name.asText());
            }
        }
        merged.put("type", "object");
        required.forEach(merged.putArray("required")::add);
        return merged;
    }

    private List<String> types(JsonNode schema, String pointer) {
        JsonNode type = schema.get("type");
        if (type == null) {
            return List.of(inferredType(schema));
        }
        List<String> result = new ArrayList<>();
        if (type.isTextual()) {
            result.add(type.textValue());
        } else if (type.isArray() && !type.isEmpty()) {
            type.forEach(t -> result.add(t.asText()));
        } else {
            throw error(pointer + "/type", "'type' must be a string or a non-empty array of strings");
        }
        for (String t : result) {
            if (!TYPES.contains(t)) {
                throw error(pointer + "/type", "unknown type '" + t + "'");
            }
        }
        return List.copyOf(new LinkedHashSet<>(result));
    }

    /** Without 'type', the keywords say which kind of value is meant; none means any value. */
    private static String inferredType(JsonNode schema) {
        Set<String> present = new LinkedHashSet<>();
        schema.fieldNames().forEachRemaining(present::add);
        if (present.stream().anyMatch(OBJECT_KEYWORDS::contains)) {
            return "object";
        }
        if (present.stream().anyMatch(ARRAY_KEYWORDS::contains)) {
            return "array";
        }
        if (present.stream().anyMatch(STRING_KEYWORDS::contains)) {
            return "string";
        }
        if (present.stream().anyMatch(NUMERIC_KEYWORDS::contains)) {
            return "number";
        }
        return "any";
    }

    private String typed(JsonNode schema, String type, String pointer, String hint) {
        return switch (type) {
            case "object" -> afterFirstCharacter(() -> object(schema, pointer, hint));
            case "array" -> afterFirstCharacter(() -> array(schema, pointer, hint));
            case "string" -> string(schema, pointer);
            case "integer" -> NumericGrammar.integer(schema, pointer, rules);
            case "number" -> NumericGrammar.number(schema, pointer, rules);
            case "boolean" -> rules.use(Primitive.BOOLEAN);
            case "null" -> rules.use(Primitive.NULL);
            default -> rules.use(Primitive.VALUE);
        };
    }

    /** Converts something that starts with a character ({@code {} or {@code [}): recursion inside is fine. */
    private String afterFirstCharacter(java.util.function.Supplier<String> conversion) {
        Set<String> outer = leadingRefs;
        leadingRefs = new HashSet<>();
        try {
            return conversion.get();
        } finally {
            leadingRefs = outer;
        }
    }

    /** A rule name, or a single literal or class, for a value nested in a larger one. */
    private String nested(JsonNode schema, String pointer, String hint) {
        String expression = expression(schema, pointer, hint);
        boolean simple = Gbnf.atom(expression).equals(expression) && !expression.startsWith("(");
        return simple ? expression : rules.add(hint, expression);
    }

    private String object(JsonNode schema, String pointer, String hint) {
        JsonNode propertiesNode = schema.path("properties");
        JsonNode additional = schema.get("additionalProperties");
        if (!propertiesNode.isMissingNode() && !propertiesNode.isObject()) {
            throw error(pointer + "/properties", "'properties' must be an object");
        }
        if (propertiesNode.isMissingNode() && additional == null) {
            return rules.use(Primitive.OBJECT);
        }
        Set<String> required = new LinkedHashSet<>();
        JsonNode requiredNode = schema.path("required");
        if (!requiredNode.isMissingNode() && !requiredNode.isArray()) {
            throw error(pointer + "/required", "'required' must be an array of strings");
        }
        for (JsonNode name : requiredNode) {
            if (!name.isTextual()) {
                throw error(pointer + "/required", "'required' must be an array of strings");
            }
            if (!propertiesNode.has(name.textValue())) {
                throw error(pointer + "/required", "required property '" + name.textValue() + "' is not declared in 'properties'");
            }
            required.add(name.textValue());
        }
        String colon = " " + rules.use(Primitive.WS) + " \":\" ws ";
        List<ObjectMembers.Member> members = new ArrayList<>();
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        propertiesNode.properties().forEach(e -> properties.put(e.getKey(), e.getValue()));
        for (Map.Entry<String, JsonNode> property : properties.entrySet()) {
            String name = property.getKey();
            String value = nested(property.getValue(), pointer + "/properties/" + escapePointer(name), name);
            String key = Gbnf.literal(TextNode.valueOf(name).toString());
            members.add(new ObjectMembers.Member(key + colon + value, required.contains(name), false));
        }
        // Absent additionalProperties beside properties: generate only the declared ones (a subset).
        if (additional != null && !(additional.isBoolean() && !additional.booleanValue())) {
            String value = nested(additional, pointer + "/additionalProperties", hint + "-additional-value");
            String key = rules.add(hint + "-additional-key", ExcludedKeys.expression(properties.keySet()));
            String kv = rules.add(hint + "-additional-kv", key + colon + value);
            members.add(new ObjectMembers.Member(kv, false, true));
        }
        if (members.isEmpty()) {
            return "\"{\" ws \"}\"";
        }
        boolean anyRequired = members.stream().anyMatch(ObjectMembers.Member::required);
        String content = ObjectMembers.sequence(members);
        return anyRequired
                ? "\"{\" ws " + content + " ws \"}\""
                : "\"{\" ws ( " + content + " ws )? \"}\"";
    }

    /**
     * Arrays: {@code prefixItems} first (each may be left out once {@code minItems} is met, and
     * then so are the ones after it), then {@code items} for the rest, within the item counts.
     */
    private String array(JsonNode schema, String pointer, String hint) {
        JsonNode items = schema.get("items");
        if (items != null && items.isArray()) {
            throw error(pointer + "/items", "unsupported array form of 'items' (draft 4 tuples): use 'prefixItems'");
        }
        JsonNode prefix = schema.get("prefixItems");
        if (prefix != null && (!prefix.isArray() || prefix.isEmpty())) {
            throw error(pointer + "/prefixItems", "'prefixItems' must be a non-empty array of schemas");
        }
        int min = count(schema, "minItems", pointer);
        int max = schema.has("maxItems") ? count(schema, "maxItems", pointer) : -1;
        if (max >= 0 && max < min) {
            throw error(pointer, "'maxItems' " + max + " is below 'minItems' " + min);
        }
        rules.use(Primitive.WS);
        int prefixCount = prefix == null ? 0 : prefix.size();
        boolean restAllowed = items == null || !items.isBoolean() || items.booleanValue();
        // The most elements possible; -1 for no limit.
        int largest = restAllowed ? max : max < 0 ? prefixCount : Math.min(max, prefixCount);
        if (largest >= 0 && min > largest) {
            throw error(pointer, "'minItems' " + min + " exceeds the " + largest + " elements 'prefixItems' and 'items' allow");
        }
        if (largest == 0) {
            return "\"[\" ws \"]\"";
        }
        if (prefixCount == 0 && items == null && min == 0 && max < 0) {
            return rules.use(Primitive.ARRAY);
        }
        List<String> elements = new ArrayList<>();
        for (int i = 0; i < (largest < 0 ? prefixCount : Math.min(prefixCount, largest)); i++) {
            elements.add(nested(prefix.get(i), pointer + "/prefixItems/" + i, hint + "-" + i));
        }
        String rest = !restAllowed ? null
                : items == null ? rules.use(Primitive.VALUE) : nested(items, pointer + "/items", hint + "-item");
        String body;
        if (elements.isEmpty()) {
            body = join(rest, separated(rest, Math.max(0, min - 1), largest < 0 ? -1 : largest - 1));
        } else {
            int n = elements.size();
            String tail = rest == null || largest == n ? ""
                    : separated(rest, Math.max(0, min - n), largest < 0 ? -1 : largest - n);
            for (int j = n - 1; j >= 1; j--) {
                String element = join("ws \",\" ws " + elements.get(j), tail);
                tail = j < min ? element : "( " + element + " )?";
            }
            body = join(elements.getFirst(), tail);
        }
        return min > 0
                ? "\"[\" ws " + body + " ws \"]\""
                : "\"[\" ws ( " + body + " ws )? \"]\"";
    }

    /** Between {@code min} and {@code max} (-1: no limit) more elements, each behind a comma. */
    private static String separated(String element, int min, int max) {
        return max == 0 ? "" : "( ws \",\" ws " + element + " )" + repetition(min, max);
    }

    private static String join(String first, String second) {
        return second.isEmpty() ? first : first + " " + second;
    }

    private static String repetition(int min, int max) {
        if (max < 0) {
            return min == 0 ? "*" : min == 1 ? "+" : "{" + min + ",}";
        }
        if (min == 0 && max == 1) {
            return "?";
        }
        return min == max ? "{" + min + "}" : "{" + min + "," + max + "}";
    }

    private int count(JsonNode schema, String keyword, String pointer) {
        JsonNode value = schema.get(keyword);
        if (value == null) {
            return 0;
        }
        if (!value.canConvertToExactIntegral() || value.asLong() < 0 || value.asLong() > MAX_COUNT) {
            throw error(pointer + "/" + keyword, "'" + keyword + "' must be an integer in [0, " + MAX_COUNT + "], found " + value);
        }
        return value.asInt();
    }

    private String string(JsonNode schema, String pointer) {
        boolean lengths = schema.has("minLength") || schema.has("maxLength");
        JsonNode pattern = schema.get("pattern");
        JsonNode format = schema.get("format");
        Primitive formatRule = format == null ? null : switch (format.asText()) {
            case "date" -> Primitive.DATE;
            case "time" -> Primitive.TIME;
            case "date-time" -> Primitive.DATE_TIME;
            case "uuid" -> Primitive.UUID;
            // Other formats are annotations in JSON Schema 2019-09 and later: any string is valid.
            default -> null;
        };
        int constraints = (lengths ? 1 : 0) + (pattern != null ? 1 : 0) + (formatRule != null ? 1 : 0);
        if (constraints > 1) {
            throw error(pointer, "unsupported combination of 'minLength'/'maxLength', 'pattern' and 'format'");
        }
        if (pattern != null) {
            if (!pattern.isTextual()) {
                throw error(pointer + "/pattern", "'pattern' must be a string");
            }
            String body = PatternTranslator.translate(pattern.textValue(), "#" + pointer + "/pattern");
            return body.isEmpty() ? "\"\\\"\\\"\"" : "\"\\\"\" " + Gbnf.group(body) + " \"\\\"\"";
        }
        if (formatRule != null) {
            return "\"\\\"\" " + rules.use(formatRule) + " \"\\\"\"";
        }
        if (lengths) {
            int min = count(schema, "minLength", pointer);
            int max = schema.has("maxLength") ? count(schema, "maxLength", pointer) : -1;
            if (max >= 0 && max < min) {
                throw error(pointer, "'maxLength' " + max + " is below 'minLength' " + min);
            }
            if (max == 0) {
                return "\"\\\"\\\"\"";
            }
            return "\"\\\"\" " + rules.use(Primitive.CHAR) + repetition(min, max) + " \"\\\"\"";
        }
        return rules.use(Primitive.STRING);
    }

    static IllegalArgumentException error(String pointer, String message) {
        return new IllegalArgumentException(message + " at #" + pointer);
    }

    private static String escapePointer(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static String unescapePointer(String token) {
        return token.replace("~1", "/").replace("~0", "~");
    }
}
