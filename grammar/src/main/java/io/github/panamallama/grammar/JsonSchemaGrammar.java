package io.github.panamallama.grammar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Objects;

/**
 * Converts a JSON Schema into a GBNF grammar (root rule {@code root}) that constrains llama.cpp's
 * sampling to JSON documents the schema accepts. Same schema, same grammar text.
 *
 * <p>Supported: {@code type} (one or an array, e.g. {@code ["string","null"]}); objects with
 * {@code properties}, {@code required} and {@code additionalProperties} (false, true or a
 * schema); arrays with {@code items}, {@code prefixItems}, {@code minItems}, {@code maxItems},
 * {@code uniqueItems} false; strings with
 * {@code minLength}/{@code maxLength}, {@code pattern} (simple regular expressions, see below)
 * or {@code format} {@code date}, {@code time}, {@code date-time}, {@code uuid}; integers with
 * {@code minimum}, {@code maximum}, {@code exclusiveMinimum}, {@code exclusiveMaximum};
 * numbers, with whole-number {@code minimum} and {@code maximum} (then without exponent); booleans; null; {@code enum}; {@code const}; {@code anyOf}; {@code oneOf};
 * {@code allOf} of object schemas; {@code $ref} to anywhere in the document (such as
 * {@code #/$defs/...}, {@code #/definitions/...}, {@code #}), recursion included. Annotations
 * ({@code title}, {@code description}, {@code default}, ...) are ignored.
 *
 * <p>The grammar may accept fewer documents than the schema, never more, except where noted:
 * properties come in declaration order; without {@code additionalProperties} no undeclared
 * property is generated, and keys of additional properties are written without escapes; integers have at most 16 digits, fractions at most 16, exponents 3;
 * between tokens there is at most one space or one newline with up to 24 spaces or tabs of
 * indentation; string characters from {@code pattern}'s {@code .} and negated classes need no
 * escape; a pattern must match the whole string; formats other than the four above are
 * annotations (JSON Schema 2019-09 and later), so any string is generated. Not enforced:
 * {@code oneOf} is treated as {@code anyOf} (a document matching two branches is generated as
 * readily as one matching one).
 *
 * <p>Limits from llama.cpp's grammar engine: counts ({@code minItems}, {@code maxItems},
 * {@code minLength}, {@code maxLength}, pattern quantifiers) are at most 2000, and a
 * {@code $ref} that leads back to itself before any character (left recursion) is rejected.
 * A pattern nesting quantified groups inside quantified groups may still exceed llama.cpp's
 * budget of 2000 expanded rules per repetition, which llama.cpp then reports when it parses the
 * grammar.
 *
 * <p>Any other keyword, and any combination this class cannot express, throws
 * {@link IllegalArgumentException} naming the keyword and the JSON pointer where it appeared.
 */
public final class JsonSchemaGrammar {
    /** Duplicate keys would make the schema ambiguous: which one did the author mean? */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonSchemaGrammar() {}

    /** The GBNF grammar for the schema. */
    public static String fromSchema(JsonNode schema) {
        Objects.requireNonNull(schema, "schema");
        return new SchemaConverter(schema).convert();
    }

    /** The GBNF grammar for a schema given as JSON text. */
    public static String fromSchema(String schemaJson) {
        Objects.requireNonNull(schemaJson, "schemaJson");
        try {
            return fromSchema(JSON.readTree(schemaJson));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("schema is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
