package io.github.panamallama.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Typed reads of request fields: each wrong type or range is an {@link ApiException} naming the field. */
final class Fields {
    private final JsonNode body;

    Fields(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid(null, "The request body must be a JSON object.");
        }
        this.body = body;
    }

    JsonNode node(String name) {
        JsonNode value = body.get(name);
        return value == null || value.isNull() ? null : value;
    }

    boolean has(String name) {
        return node(name) != null;
    }

    String requiredString(String name) {
        return optionalString(name).orElseThrow(() -> ApiException.invalid(name, "Missing required parameter: '" + name + "'."));
    }

    Optional<String> optionalString(String name) {
        JsonNode value = node(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ApiException.invalid(name, "'" + name + "' must be a string, got " + value.getNodeType().name().toLowerCase() + ".");
        }
        return Optional.of(value.textValue());
    }

    int integer(String name, int defaultValue, int min, int max) {
        JsonNode value = node(name);
        if (value == null) {
            return defaultValue;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw ApiException.invalid(name, "'" + name + "' must be an integer, got " + value + ".");
        }
        int number = value.intValue();
        if (number < min || number > max) {
            throw ApiException.invalid(name, "'" + name + "' must be between " + min + " and " + max + ", got " + number + ".");
        }
        return number;
    }

    Optional<Long> optionalLong(String name) {
        JsonNode value = node(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw ApiException.invalid(name, "'" + name + "' must be an integer, got " + value + ".");
        }
        return Optional.of(value.longValue());
    }

    double number(String name, double defaultValue, double min, double max) {
        JsonNode value = node(name);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isNumber()) {
            throw ApiException.invalid(name, "'" + name + "' must be a number, got " + value + ".");
        }
        double number = value.doubleValue();
        if (!(number >= min && number <= max)) {
            throw ApiException.invalid(name, "'" + name + "' must be between " + min + " and " + max + ", got " + number + ".");
        }
        return number;
    }

    boolean bool(String name, boolean defaultValue) {
        JsonNode value = node(name);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isBoolean()) {
            throw ApiException.invalid(name, "'" + name + "' must be a boolean, got " + value + ".");
        }
        return value.booleanValue();
    }

    /** A string or an array of strings (OpenAI's {@code stop}, {@code prompt}, {@code input}). */
    List<String> stringOrStrings(String name, int maxItems) {
        JsonNode value = node(name);
        if (value == null) {
            return List.of();
        }
        if (value.isTextual()) {
            return List.of(value.textValue());
        }
        if (!value.isArray()) {
            throw ApiException.invalid(name, "'" + name + "' must be a string or an array of strings.");
        }
        if (value.size() > maxItems) {
            throw ApiException.invalid(name, "'" + name + "' has " + value.size() + " items; at most " + maxItems + " are allowed.");
        }
        List<String> strings = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw ApiException.invalid(name, "'" + name + "' must contain only strings, got " + item + ".");
            }
            strings.add(item.textValue());
        }
        return List.copyOf(strings);
    }

    /** Rejects a field this server does not implement, instead of silently ignoring it. */
    void unsupported(String name, String why) {
        if (has(name)) {
            throw ApiException.invalid(name, "'" + name + "' is not supported by this server: " + why + ".");
        }
    }
}
