package io.github.panamallama.tests.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.grammar.JsonSchemaGrammar;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JsonSchemaGrammarTest {
    private static final String WS = "ws ::= ( \" \" | \"\\n\" [ \\t]{0,24} )?\n";
    private static final String CHAR = "char ::= [^\"\\\\\\x7F\\x00-\\x1F] | \"\\\\\" ( [\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4} )\n";
    private static final String STRING = "string ::= \"\\\"\" char* \"\\\"\"\n";
    private static final String INTEGER = "integer ::= \"-\"? ( \"0\" | [1-9] [0-9]{0,15} )\n";

    private static LlamaGrammarCheck llama;

    @BeforeAll
    static void loadVocab() {
        llama = new LlamaGrammarCheck();
    }

    @AfterAll
    static void freeVocab() {
        llama.close();
    }

    /** Converts, checks llama.cpp parses the result, and returns it. */
    private static String grammar(String schema) {
        String grammar = JsonSchemaGrammar.fromSchema(schema.replace('\'', '"'));
        assertTrue(llama.parses(grammar), () -> "llama.cpp rejected:\n" + grammar);
        return grammar;
    }

    private static void assertAccepts(String schema, List<String> valid, List<String> invalid) {
        String grammar = grammar(schema);
        for (String document : valid) {
            assertTrue(llama.accepts(grammar, document), () -> "should accept " + document + "\n" + grammar);
        }
        for (String document : invalid) {
            assertFalse(llama.accepts(grammar, document), () -> "should reject " + document + "\n" + grammar);
        }
    }

    private static void assertRejected(String schema, String message) {
        var e = assertThrows(IllegalArgumentException.class, () -> JsonSchemaGrammar.fromSchema(schema.replace('\'', '"')));
        assertEquals(message, e.getMessage());
    }

    @Test
    void objectWithRequiredAndOptionalProperties() {
        String schema = "{'type':'object','properties':{'name':{'type':'string'},'age':{'type':'integer'},"
                + "'tags':{'type':'array','items':{'type':'string'}}},'required':['name']}";
        assertEquals("""
                root ::= "{" ws "\\"name\\"" ws ":" ws string ( ws "," ws "\\"age\\"" ws ":" ws integer )? \
                ( ws "," ws "\\"tags\\"" ws ":" ws tags )? ws "}"
                tags ::= "[" ws ( string ( ws "," ws string )* ws )? "]"
                """ + WS + CHAR + STRING + INTEGER, grammar(schema));
        assertAccepts(schema,
                List.of("{\"name\":\"Ada\"}", "{ \"name\": \"Ada\", \"age\": 36 }",
                        "{\"name\":\"A\\\"b\",\"tags\":[\"x\", \"y\"]}",
                        "{\n  \"name\": \"Ada\",\n  \"age\": -1,\n  \"tags\": []\n}"),
                List.of("{}", "{\"age\":3}", "{\"age\":3,\"name\":\"x\"}", "{\"name\":\"x\",\"age\":3.5}",
                        "{\"name\":\"x\",}", "{\"name\":\"x\",\"other\":1}", "{\"name\":\"x\"} ",
                        "{\"name\":\"x\"  }", "{\"name\":\"x\",\"age\":007}"));
    }

    @Test
    void allOptionalPropertiesMayBeAbsentOrAnySubsetInOrder() {
        String schema = "{'type':'object','properties':{'a':{'type':'boolean'},'b':{'type':'null'}}}";
        assertEquals("""
                root ::= "{" ws ( ( "\\"a\\"" ws ":" ws boolean ( ws "," ws "\\"b\\"" ws ":" ws null )? \
                | "\\"b\\"" ws ":" ws null ) ws )? "}"
                """ + WS + "boolean ::= \"true\" | \"false\"\nnull ::= \"null\"\n", grammar(schema));
        assertAccepts(schema,
                List.of("{}", "{ }", "{\"a\":true}", "{\"b\":null}", "{\"a\":false,\"b\":null}"),
                List.of("{\"b\":null,\"a\":true}", "{,}", "{\"a\":true,}", "{\"a\":1}"));
    }

    @Test
    void additionalPropertiesSchemaNeverRepeatsADeclaredKey() {
        String schema = "{'type':'object','properties':{'id':{'type':'integer'}},'required':['id'],"
                + "'additionalProperties':{'type':'string'}}";
        assertEquals("""
                root ::= "{" ws "\\"id\\"" ws ":" ws integer ( ws "," ws root-additional-kv )* ws "}"
                root-additional-key ::= "\\"" ( "\\"" | "i" ( "\\"" | "d" [^"\\\\\\x7F\\x00-\\x1F] [^"\\\\\\x7F\\x00-\\x1F]* "\\"" \
                | [^d"\\\\\\x7F\\x00-\\x1F] [^"\\\\\\x7F\\x00-\\x1F]* "\\"" ) | [^i"\\\\\\x7F\\x00-\\x1F] [^"\\\\\\x7F\\x00-\\x1F]* "\\"" )
                root-additional-kv ::= root-additional-key ws ":" ws string
                """ + WS + CHAR + STRING + INTEGER, grammar(schema));
        assertAccepts(schema,
                List.of("{\"id\":1}", "{\"id\":1,\"i\":\"x\",\"idx\":\"y\",\"\":\"z\",\"name\":\"n\"}"),
                List.of("{\"id\":1,\"id\":\"x\"}", "{\"id\":1,\"x\":2}", "{\"x\":\"y\",\"id\":1}"));
    }

    @Test
    void additionalPropertiesFalseWithoutPropertiesIsTheEmptyObject() {
        assertEquals("root ::= \"{\" ws \"}\"\n" + WS, grammar("{'type':'object','additionalProperties':false}"));
    }

    @Test
    void plainObjectAndEmptySchemaAcceptAnyJson() {
        String schema = "{}";
        String grammar = grammar(schema);
        assertTrue(grammar.startsWith("root ::= value\n"), grammar);
        assertAccepts(schema,
                List.of("1", "-2.5e10", "\"s\"", "true", "null", "[]", "[1, {\"a\": [null]}]", "{\"k\":{\"x\":\"y\"}}"),
                List.of("", "nul", "[1,]", "{\"a\"}", "01", "'s'"));
        assertAccepts("{'type':'object'}", List.of("{}", "{\"a\":[1,2]}"), List.of("[]", "1"));
    }

    @Test
    void arrayBoundsBecomeRepetitions() {
        String schema = "{'type':'array','items':{'type':'integer'},'minItems':1,'maxItems':3}";
        assertEquals("root ::= \"[\" ws integer ( ws \",\" ws integer ){0,2} ws \"]\"\n" + WS + INTEGER, grammar(schema));
        assertAccepts(schema, List.of("[1]", "[1,2,3]", "[ 1 , 2 ]"), List.of("[]", "[1,2,3,4]", "[\"1\"]"));
        assertAccepts("{'type':'array','minItems':2}", List.of("[1,\"a\"]", "[{},[],null]"), List.of("[1]", "[]"));
        assertEquals("root ::= \"[\" ws \"]\"\n" + WS, grammar("{'type':'array','maxItems':0}"));
    }

    @Test
    void prefixItemsAreTuples() {
        String pair = "{'type':'array','prefixItems':[{'type':'number'},{'type':'string'}],'items':false,'minItems':2}";
        assertEquals("root ::= \"[\" ws number ws \",\" ws string ws \"]\"\n" + WS + CHAR + STRING + INTEGER
                + "number ::= integer ( \".\" [0-9]{1,16} )? ( [eE] [-+]? [0-9]{1,3} )?\n", grammar(pair));
        assertAccepts(pair, List.of("[1.5, \"a\"]"), List.of("[1.5]", "[1.5,\"a\",2]", "[\"a\",1]"));
        // Later prefix elements may be left out once minItems is met; items covers the rest.
        String open = "{'type':'array','prefixItems':[{'type':'integer'},{'type':'boolean'},{'type':'null'}],"
                + "'items':{'type':'string'},'minItems':1,'maxItems':4}";
        assertAccepts(open, List.of("[1]", "[1,true]", "[1,true,null]", "[1,true,null,\"x\"]"),
                List.of("[]", "[1,null]", "[1,true,null,\"x\",\"y\"]", "[1,true,null,2]"));
        assertAccepts("{'prefixItems':[{'const':'a'}]}", List.of("[]", "[\"a\"]", "[\"a\",1,{}]"), List.of("[1]"));
        assertRejected("{'type':'array','prefixItems':[{'type':'integer'}],'items':false,'minItems':2}",
                "'minItems' 2 exceeds the 1 elements 'prefixItems' and 'items' allow at #");
    }

    @Test
    void stringLengthsAndFormats() {
        String schema = "{'type':'string','minLength':2,'maxLength':3}";
        assertEquals("root ::= \"\\\"\" char{2,3} \"\\\"\"\n" + CHAR, grammar(schema));
        assertAccepts(schema, List.of("\"ab\"", "\"a\\nb\"", "\"\u00e9t\u00e9\""), List.of("\"a\"", "\"abcd\"", "ab"));
        assertAccepts("{'type':'string','format':'date'}",
                List.of("\"2024-02-29\"", "\"1999-12-31\""), List.of("\"2024-13-01\"", "\"2024-1-01\"", "\"2024-01-32\""));
        assertAccepts("{'type':'string','format':'date-time'}",
                List.of("\"2024-02-29T23:59:60Z\"".replace("60", "59"), "\"2024-02-29T08:00:00.125+02:00\""),
                List.of("\"2024-02-29T24:00:00Z\"", "\"2024-02-29T08:00:00\""));
        assertAccepts("{'type':'string','format':'uuid'}",
                List.of("\"123e4567-e89b-12d3-a456-426614174000\""), List.of("\"123e4567e89b12d3a456426614174000\""));
        // Other formats are annotations: any string.
        assertAccepts("{'type':'string','format':'email'}", List.of("\"not an email\""), List.of("1"));
    }

    @Test
    void patternIsMatchedAgainstTheWholeString() {
        String schema = "{'type':'string','pattern':'^[A-Z][a-z]+ (?:Jr|Sr)?\\\\.?\\\\d{2,3}$'}";
        assertEquals("root ::= \"\\\"\" [A-Z] [a-z]+ \" \" ( \"Jr\" | \"Sr\" )? \".\"? [0-9]{2,3} \"\\\"\"\n", grammar(schema));
        assertAccepts(schema, List.of("\"Ada 12\"", "\"Bo Jr.123\"", "\"Cy Sr45\""),
                List.of("\"ada 12\"", "\"Ada 1\"", "\"Ada 1234\"", "\"Ada Jr 12\"", "\"xAda 12\""));
        // Quotes and backslashes the pattern allows are generated in their JSON escaped form.
        // (the regex is ^a[\x22\\]b.$: a quote or a backslash after the a)
        assertAccepts("{'type':'string','pattern':'^a[\\\\x22\\\\\\\\]b.$'}",
                List.of("\"a\\\"bz\"", "\"a\\\\b!\""), List.of("\"a\"bz\"", "\"a\\\\b\\n\""));
        assertAccepts("{'type':'string','pattern':'^[^0-9]{2}$'}", List.of("\"ab\"", "\"\u00e9!\""), List.of("\"a1\"", "\"abc\""));
    }

    @Test
    void nullableTypeArrayAndEnumAndConst() {
        assertEquals("root ::= string | null\n" + CHAR + STRING + "null ::= \"null\"\n", grammar("{'type':['string','null']}"));
        assertAccepts("{'type':['string','null']}", List.of("\"x\"", "null"), List.of("1", "\"x\"null"));
        assertEquals("root ::= \"\\\"red\\\"\" | \"\\\"green\\\"\" | \"2\" | \"null\"\n",
                grammar("{'enum':['red','green',2,null]}"));
        // With a type, enum values of other types can never be valid and are left out.
        assertEquals("root ::= \"\\\"red\\\"\" | \"\\\"green\\\"\"\n", grammar("{'type':'string','enum':['red','green',2]}"));
        assertEquals("root ::= \"{\\\"a\\\":[1,true]}\"\n", grammar("{'const':{'a':[1,true]}}"));
    }

    @Test
    void integerBoundsAcceptExactlyTheRange() {
        String schema = "{'type':'integer','minimum':-25,'exclusiveMaximum':131}";
        assertEquals("root ::= \"-\" ( [1-9] | \"1\" [0-9] | \"2\" [0-5] ) | \"0\" | [1-9] [0-9]? "
                + "| \"1\" ( [0-2] [0-9] | \"30\" )\n", grammar(schema));
        String grammar = grammar(schema);
        for (int n = -300; n <= 300; n++) {
            boolean inRange = n >= -25 && n <= 130;
            assertEquals(inRange, llama.accepts(grammar, Integer.toString(n)), "n = " + n);
        }
        assertFalse(llama.accepts(grammar, "-0"));
        assertFalse(llama.accepts(grammar, "05"));
        // Fractional bounds round inwards; draft 4 spelled exclusivity as a boolean.
        assertEquals("root ::= [2-3]\n", grammar("{'type':'integer','minimum':1.5,'maximum':4,'exclusiveMaximum':true}"));
        assertEquals("root ::= [1-9] [0-9]{0,15}\n", grammar("{'type':'integer','exclusiveMinimum':0}"));
        String int32 = grammar("{'type':'integer','minimum':-2147483648,'maximum':2147483647}");
        for (String n : List.of("-2147483648", "2147483647", "0", "-1", "1999999999", "2147483599", "-2147483600")) {
            assertTrue(llama.accepts(int32, n), n);
        }
        for (String n : List.of("-2147483649", "2147483648", "2200000000", "9999999999", "-0")) {
            assertFalse(llama.accepts(int32, n), n);
        }
    }

    @Test
    void numberBoundsHoldWhateverTheFraction() {
        String schema = "{'type':'number','minimum':0,'maximum':10}";
        assertEquals("root ::= [0-9] ( \".\" [0-9]{1,16} )? | \"10\" ( \".\" \"0\"{1,16} )?\n", grammar(schema));
        assertAccepts(schema, List.of("0", "0.5", "9.9999", "10", "10.000", "3"),
                List.of("-0.5", "-1", "10.5", "10.01", "11", "1e3", "01"));
        assertAccepts("{'type':'number','minimum':-2,'maximum':-1}", List.of("-1", "-1.5", "-2", "-2.0", "-1.999"),
                List.of("-2.5", "-0.5", "0", "-3", "1", "-2.01"));
        assertAccepts("{'type':'number','minimum':-1.0}", List.of("-1", "-0.25", "0", "123456.75"), List.of("-1.5", "-2", "1e2"));
        assertRejected("{'type':'number','minimum':0.5}",
                "'minimum' of a 'number' must be a whole number of at most 16 digits, found 0.5 at #/minimum");
        assertRejected("{'type':'number','exclusiveMinimum':0}",
                "unsupported keyword 'exclusiveMinimum' for type 'number' (supported for 'integer') at #");
    }

    @Test
    void recursiveReferencesBecomeRecursiveRules() {
        String schema = "{'$defs':{'TreeNode':{'type':'object','properties':{'value':{'type':'integer'},"
                + "'children':{'type':'array','items':{'$ref':'#/$defs/TreeNode'}}},'required':['value','children']}},"
                + "'$ref':'#/$defs/TreeNode'}";
        assertEquals("""
                root ::= tree-node
                tree-node ::= "{" ws "\\"value\\"" ws ":" ws integer ws "," ws "\\"children\\"" ws ":" ws children ws "}"
                children ::= "[" ws ( tree-node ( ws "," ws tree-node )* ws )? "]"
                """ + WS + INTEGER, grammar(schema));
        assertAccepts(schema,
                List.of("{\"value\":1,\"children\":[]}",
                        "{\"value\":1,\"children\":[{\"value\":2,\"children\":[{\"value\":3,\"children\":[]}]}]}"),
                List.of("{\"value\":1}", "{\"value\":1,\"children\":[{\"value\":2}]}"));
        // A reference to the document root, and the older 'definitions'.
        assertAccepts("{'type':'object','properties':{'next':{'anyOf':[{'$ref':'#'},{'type':'null'}]}},'required':['next']}",
                List.of("{\"next\":null}", "{\"next\":{\"next\":null}}"), List.of("{\"next\":{}}"));
        assertAccepts("{'definitions':{'n':{'type':'integer'}},'type':'array','items':{'$ref':'#/definitions/n'}}",
                List.of("[1,2]"), List.of("[\"1\"]"));
    }

    @Test
    void anyOfOneOfAndAllOf() {
        assertAccepts("{'oneOf':[{'type':'integer'},{'type':'object','properties':{'x':{'type':'string'}},'required':['x']}]}",
                List.of("7", "{\"x\":\"y\"}"), List.of("{}", "\"7\""));
        String allOf = "{'$defs':{'named':{'type':'object','properties':{'name':{'type':'string'}},'required':['name']}},"
                + "'allOf':[{'$ref':'#/$defs/named'},{'properties':{'age':{'type':'integer'}},'required':['age']}]}";
        assertAccepts(allOf, List.of("{\"name\":\"x\",\"age\":3}"), List.of("{\"name\":\"x\"}", "{\"age\":3}"));
    }

    @Test
    void largestAllowedCountsAreEnforcedByLlamaCpp() {
        long start = System.nanoTime();
        String grammar = grammar("{'type':'object','properties':{'s':{'type':'string','maxLength':2000},"
                + "'a':{'type':'array','items':{'type':'integer'},'minItems':2000,'maxItems':2000}},'required':['s','a']}");
        String full = "{\"s\":\"" + "x".repeat(2000) + "\",\"a\":[" + "1,".repeat(1999) + "1]}";
        assertTrue(llama.accepts(grammar, full));
        assertFalse(llama.accepts(grammar, full.replace("\"x", "\"xx")), "2001 characters");
        assertFalse(llama.accepts(grammar, full.replace("[1,", "[")), "1999 items");
        assertFalse(llama.accepts(grammar, full.replace("[1,", "[1,1,")), "2001 items");
        System.out.printf("2000-step repetitions: converted, parsed and matched in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void whitespaceBetweenTokensIsBounded() {
        String schema = "{'type':'array','items':{'type':'boolean'}}";
        String indent24 = " ".repeat(24);
        assertAccepts(schema,
                List.of("[ true ]", "[\n" + indent24 + "true,\n\tfalse\n]", "[true ,false]"),
                List.of("[  true]", "[\n\ntrue]", "[\n" + indent24 + " true]", "[true\t]", " [true]", "[true]\n"));
    }

    @Test
    void outputIsDeterministicAndFollowsDeclarationOrder() {
        String schema = "{'type':'object','properties':{'z':{'type':'string','maxLength':2},'a':{'type':'string','maxLength':3}}}";
        String first = grammar(schema);
        assertEquals(first, grammar(schema));
        assertTrue(first.indexOf("\\\"z\\\"") < first.indexOf("\\\"a\\\""), first);
        assertTrue(first.indexOf("\nz ::=") < first.indexOf("\na ::="), first);
    }

    @Test
    void propertyNamesThatCollideWithRuleNamesGetFreshNames() {
        String grammar = grammar("{'type':'object','properties':{'string':{'type':'object','properties':{'v':{'type':'integer'}},'required':['v']},"
                + "'String':{'type':'array','items':{'type':'boolean'}}},'required':['string','String']}");
        assertTrue(grammar.contains("\nstring-2 ::= \"{\""), grammar);
        assertTrue(grammar.contains("\nstring-3 ::= \"[\""), grammar);
        assertTrue(llama.accepts(grammar, "{\"string\":{\"v\":1},\"String\":[true]}"), grammar);
    }

    @Test
    void unsupportedKeywordsAreRejectedWithTheirLocation() {
        assertRejected("{'not':{}}", "unsupported keyword 'not' at #");
        assertRejected("{'type':'object','properties':{'a':{'type':'array','items':{'type':'string','minLenght':1}}}}",
                "unsupported keyword 'minLenght' at #/properties/a/items");
        assertRejected("{'properties':{'a/b':{'type':'number','exclusiveMaximum':0}}}",
                "unsupported keyword 'exclusiveMaximum' for type 'number' (supported for 'integer') at #/properties/a~1b");
        assertRejected("{'$defs':{'a':{'$ref':'#/$defs/a'}},'allOf':[{'$ref':'#/$defs/a'}]}",
                "'$ref' cycle without any schema in it at #/$defs/a");
        assertRejected("{'type':'array','uniqueItems':true}", "unsupported keyword 'uniqueItems' (only false is supported) at #/uniqueItems");
        assertRejected("{'$ref':'https://example.com/s.json'}",
                "unsupported '$ref' 'https://example.com/s.json': only references inside the document (#/...) are supported at #/$ref");
        assertRejected("{'$ref':'#/$defs/missing'}", "'$ref' '#/$defs/missing' points to nothing at #/$ref");
        assertRejected("{'type':'object','properties':{},'required':['x']}",
                "required property 'x' is not declared in 'properties' at #/required");
        assertRejected("{'type':'string','pattern':'^(?=a)b$'}",
                "unsupported regular expression at #/pattern: group construct '(?' (lookaround, named or flag groups) in pattern '(?=a)b'");
        assertRejected("{'type':'string','pattern':'a\\\\bc'}",
                "unsupported regular expression at #/pattern: escape '\\b' in pattern 'a\\bc'");
        assertRejected("{'type':'string','minLength':1,'pattern':'a'}",
                "unsupported combination of 'minLength'/'maxLength', 'pattern' and 'format' at #");
        assertRejected("{'type':'integer','minimum':5,'maximum':4}", "no integer lies within the bounds (at most 16 digits are generated) at #");
        assertRejected("{'anyOf':[{'type':'string'}],'type':'string'}", "unsupported keyword 'type' beside 'anyOf' at #");
        assertRejected("{'type':'date'}", "unknown type 'date' at #/type");
        assertRejected("{'$id':'https://example.com/root','items':{'$id':'item','type':'string'}}",
                "unsupported keyword '$id' below the root (it changes what '$ref' resolves against) at #/items");
        assertRejected("{'type':'string','maxLength':2001}", "'maxLength' must be an integer in [0, 2000], found 2001 at #/maxLength");
        assertRejected("{'type':'string','pattern':'^a{2001}$'}",
                "unsupported regular expression at #/pattern: quantifier '{2001}' above 2000 (llama.cpp's limit) in pattern 'a{2001}'");
        assertRejected("{'$defs':{'a':{'anyOf':[{'type':'null'},{'$ref':'#/$defs/a'}]}},'$ref':'#/$defs/a'}",
                "'$ref' '#/$defs/a' leads back to itself before any character is generated (left recursion) at #/$defs/a/anyOf/1/$ref");
        assertRejected("{'anyOf':[{'$ref':'#'},{'type':'integer'}]}",
                "'$ref' '#' leads back to itself before any character is generated (left recursion) at #/anyOf/0/$ref");
        assertRejected("false", "schema 'false' accepts nothing at #");
        for (String bad : List.of("{", "{\"type\":\"string\",\"type\":\"integer\"}", "{} {}")) {
            var e = assertThrows(IllegalArgumentException.class, () -> JsonSchemaGrammar.fromSchema(bad));
            assertTrue(e.getMessage().startsWith("schema is not valid JSON"), e.getMessage());
        }
    }
}
