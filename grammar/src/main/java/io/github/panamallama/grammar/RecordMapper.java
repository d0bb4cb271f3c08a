package io.github.panamallama.grammar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Maps JSON, typically generated under {@link RecordSchema#grammar}, into a record with Jackson.
 * Strict: unknown properties, a missing or null non-{@code Optional} component (at any depth),
 * and values of the wrong type are errors; an absent {@code Optional} component becomes
 * {@code Optional.empty()}.
 *
 * <p>Jackson reads the record reflectively: the record's package must be exported or opened to
 * module {@code com.fasterxml.jackson.databind} when it lives in a named module.
 */
public final class RecordMapper {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    private RecordMapper() {}

    /**
     * The record {@code json} describes.
     *
     * @throws IllegalArgumentException if the JSON is malformed or does not fit the record; the
     *     message names the record and the location
     */
    public static <R extends Record> R parse(String json, Class<R> type) {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(type, "type");
        R value;
        try {
            value = JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("JSON does not fit record " + type.getName() + ": " + e.getOriginalMessage()
                    + " (at " + location(e) + ")", e);
        }
        if (value == null) {
            throw new IllegalArgumentException("JSON null where record " + type.getName() + " was expected");
        }
        requireComplete(value, "$");
        return value;
    }

    private static String location(JsonProcessingException e) {
        String path = e instanceof com.fasterxml.jackson.databind.JsonMappingException m ? m.getPathReference() : null;
        var where = e.getLocation();
        String position = where == null ? "" : "line " + where.getLineNr() + ", column " + where.getColumnNr();
        return path == null || path.isEmpty() ? position : path + ", " + position;
    }

    /** Jackson fills absent components with null; the schema made every non-Optional one required. */
    private static void requireComplete(Object value, String path) {
        if (value instanceof Record record) {
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                Object child = read(component, record);
                String childPath = path + "." + component.getName();
                if (child == null) {
                    throw new IllegalArgumentException("missing or null property " + childPath + " (component '"
                            + component.getName() + "' of record " + record.getClass().getName() + ")");
                }
                requireComplete(child, childPath);
            }
        } else if (value instanceof Optional<?> optional) {
            optional.ifPresent(inner -> requireComplete(inner, path));
        } else if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                requireElement(item, path + "[" + i++ + "]");
            }
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> requireElement(item, path + "." + key));
        } else if (value != null && value.getClass().isArray() && !value.getClass().getComponentType().isPrimitive()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                requireElement(Array.get(value, i), path + "[" + i + "]");
            }
        }
    }

    private static void requireElement(Object item, String path) {
        if (item == null) {
            throw new IllegalArgumentException("null element at " + path);
        }
        requireComplete(item, path);
    }

    private static Object read(RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalArgumentException("cannot read component '" + component.getName() + "' of record "
                    + record.getClass().getName(), e);
        }
    }
}
