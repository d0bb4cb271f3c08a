package io.github.panamallama.grammar;

import java.util.List;

/**
 * The fixed rules every grammar may use. Their names are reserved: rules derived from a schema
 * never take them. Repetitions are bounded (whitespace, digits) so a model cannot loop forever
 * inside one token class.
 */
enum Primitive {
    /** Optional whitespace: one space, or a newline plus bounded indentation. */
    WS("ws", "( \" \" | \"\\n\" [ \\t]{0,24} )?"),
    /** One character of a JSON string: anything but quote, backslash and controls, or an escape. */
    CHAR("char", "[^\"\\\\\\x7F\\x00-\\x1F] | \"\\\\\" ( [\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4} )"),
    STRING("string", "\"\\\"\" char* \"\\\"\"", CHAR),
    /** At most 16 digits: exact in a double and in range of a long. */
    INTEGER("integer", "\"-\"? ( \"0\" | [1-9] [0-9]{0,15} )"),
    NUMBER("number", "integer ( \".\" [0-9]{1,16} )? ( [eE] [-+]? [0-9]{1,3} )?", INTEGER),
    BOOLEAN("boolean", "\"true\" | \"false\""),
    NULL("null", "\"null\""),
    DATE("date", "[0-9]{4} \"-\" ( \"0\" [1-9] | \"1\" [0-2] ) \"-\" ( \"0\" [1-9] | [12] [0-9] | \"3\" [01] )"),
    TIME("time", "( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] \":\" [0-5] [0-9] ( \".\" [0-9]{1,9} )?"
            + " ( \"Z\" | [+-] ( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] )"),
    DATE_TIME("date-time", "date \"T\" time", DATE, TIME),
    UUID("uuid", "[0-9a-fA-F]{8} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{12}"),
    // Any JSON value; the three rules below refer to each other (and to VALUE) by name.
    MEMBER("member", "string ws \":\" ws value", STRING, WS),
    OBJECT("object", "\"{\" ws ( member ( ws \",\" ws member )* ws )? \"}\"", WS),
    ARRAY("array", "\"[\" ws ( value ( ws \",\" ws value )* ws )? \"]\"", WS),
    VALUE("value", "object | array | string | number | boolean | null", STRING, NUMBER, BOOLEAN, NULL);

    private final String ruleName;
    private final String body;
    private final List<Primitive> uses;

    Primitive(String ruleName, String body, Primitive... uses) {
        this.ruleName = ruleName;
        this.body = body;
        this.uses = List.of(uses);
    }

    String ruleName() {
        return ruleName;
    }

    String body() {
        return body;
    }

    /** Primitives this one refers to; the cycle member/object/array/value is closed in {@link GbnfRules}. */
    List<Primitive> uses() {
        return switch (this) {
            case MEMBER, OBJECT, ARRAY -> concat(uses, VALUE, MEMBER, OBJECT, ARRAY);
            case VALUE -> concat(uses, OBJECT, ARRAY, MEMBER);
            default -> uses;
        };
    }

    private static List<Primitive> concat(List<Primitive> first, Primitive... more) {
        var all = new java.util.ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }
}
