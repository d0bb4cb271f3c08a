package io.github.panamallama.tests.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.grammar.RecordMapper;
import io.github.panamallama.grammar.RecordSchema;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RecordSchemaTest {
    public enum Priority { LOW, HIGH }

    public record Step(String text, boolean done) {}

    public record Task(String title, Priority priority, Optional<Integer> estimate, List<Step> steps, Optional<Step> next) {}

    /** Recursion through the root record. */
    public record Node(String label, List<Node> children) {}

    /** Recursion through a definition, and every scalar type. */
    public record Scalars(byte b, short s, int i, long l, float f, double d, boolean z, Byte bb, Integer ii, Long ll,
            Double dd, Boolean zz, String text, String[] texts, long[] longs, Map<String, Tree> forest) {}

    public record Tree(String name, Optional<Tree> left, Optional<Tree> right) {}

    public record WithSet(Set<String> names) {}

    public record WithObject(Object anything) {}

    public record WithBytes(byte[] data) {}

    public record WithRawList(@SuppressWarnings("rawtypes") List items) {}

    public record Generic<T>(T value) {}

    public record WithGeneric(Generic<String> inner) {}

    public record WithIntKeys(Map<Integer, String> byId) {}

    private static LlamaGrammarCheck llama;

    @BeforeAll
    static void loadVocab() {
        llama = new LlamaGrammarCheck();
    }

    @AfterAll
    static void freeVocab() {
        llama.close();
    }

    @Test
    void nestedRecordsGoToDefsAndOptionalsAreNotRequired() {
        assertEquals(("{'type':'object','properties':{"
                + "'title':{'type':'string'},"
                + "'priority':{'type':'string','enum':['LOW','HIGH']},"
                + "'estimate':{'type':['integer','null'],'minimum':-2147483648,'maximum':2147483647},"
                + "'steps':{'type':'array','items':{'$ref':'#/$defs/Step'}},"
                + "'next':{'anyOf':[{'$ref':'#/$defs/Step'},{'type':'null'}]}},"
                + "'required':['title','priority','steps'],'additionalProperties':false,"
                + "'$defs':{'Step':{'type':'object','properties':{'text':{'type':'string'},'done':{'type':'boolean'}},"
                + "'required':['text','done'],'additionalProperties':false}}}").replace('\'', '"'),
                RecordSchema.of(Task.class).toString());
    }

    @Test
    void recursionThroughTheRootUsesTheDocumentReference() {
        assertEquals(("{'type':'object','properties':{'label':{'type':'string'},"
                + "'children':{'type':'array','items':{'$ref':'#'}}},"
                + "'required':['label','children'],'additionalProperties':false}").replace('\'', '"'),
                RecordSchema.of(Node.class).toString());
        String grammar = RecordSchema.grammar(Node.class);
        assertEquals("""
                root ::= "{" ws "\\"label\\"" ws ":" ws string ws "," ws "\\"children\\"" ws ":" ws children ws "}"
                children ::= "[" ws ( root ( ws "," ws root )* ws )? "]"
                """, grammar.substring(0, grammar.indexOf("ws ::=")));
        String json = "{\"label\":\"a\",\"children\":[{\"label\":\"b\",\"children\":[]}]}";
        assertTrue(llama.accepts(grammar, json));
        assertEquals(new Node("a", List.of(new Node("b", List.of()))), RecordMapper.parse(json, Node.class));
    }

    @Test
    void taskRoundTripsThroughGrammarAndMapper() {
        String grammar = RecordSchema.grammar(Task.class);
        assertTrue(llama.parses(grammar), grammar);
        String full = """
                {
                  "title": "Ship \\"v1\\"",
                  "priority": "HIGH",
                  "estimate": 2147483647,
                  "steps": [
                    {"text": "build", "done": true},
                    {"text": "test", "done": false}
                  ],
                  "next": {"text": "release", "done": false}
                }""";
        assertTrue(llama.accepts(grammar, full), grammar);
        assertEquals(new Task("Ship \"v1\"", Priority.HIGH, Optional.of(Integer.MAX_VALUE),
                List.of(new Step("build", true), new Step("test", false)), Optional.of(new Step("release", false))),
                RecordMapper.parse(full, Task.class));

        String minimal = "{\"title\":\"t\",\"priority\":\"LOW\",\"estimate\":null,\"steps\":[]}";
        assertTrue(llama.accepts(grammar, minimal));
        assertEquals(new Task("t", Priority.LOW, Optional.empty(), List.of(), Optional.empty()),
                RecordMapper.parse(minimal, Task.class));

        // What the grammar forbids is exactly what the mapper would choke on.
        for (String bad : List.of(
                "{\"title\":\"t\",\"priority\":\"MEDIUM\",\"steps\":[]}",
                "{\"title\":\"t\",\"priority\":\"LOW\",\"estimate\":2147483648,\"steps\":[]}",
                "{\"title\":\"t\",\"priority\":\"LOW\",\"estimate\":1.5,\"steps\":[]}",
                "{\"title\":\"t\",\"priority\":\"LOW\"}",
                "{\"title\":\"t\",\"priority\":\"LOW\",\"steps\":[{\"text\":\"x\"}]}",
                "{\"title\":\"t\",\"priority\":\"LOW\",\"steps\":[],\"extra\":1}")) {
            assertFalse(llama.accepts(grammar, bad), bad);
            assertThrows(IllegalArgumentException.class, () -> RecordMapper.parse(bad, Task.class), bad);
        }
    }

    @Test
    void everyScalarArrayAndMapTypeRoundTrips() {
        String grammar = RecordSchema.grammar(Scalars.class);
        String json = "{\"b\":-128,\"s\":32767,\"i\":-5,\"l\":1234567890123456,\"f\":1.5,\"d\":-2.5e-3,\"z\":true,"
                + "\"bb\":127,\"ii\":0,\"ll\":-1,\"dd\":3,\"zz\":false,\"text\":\"x\",\"texts\":[\"a\",\"b\"],\"longs\":[1,2],"
                + "\"forest\":{\"oak\":{\"name\":\"o\",\"left\":{\"name\":\"l\"}}}}";
        assertTrue(llama.accepts(grammar, json), grammar);
        assertFalse(llama.accepts(grammar, json.replace("-128", "-129")));
        assertFalse(llama.accepts(grammar, json.replace("32767", "32768")));
        Scalars value = RecordMapper.parse(json, Scalars.class);
        assertEquals(1234567890123456L, value.l());
        assertEquals(-0.0025, value.d());
        assertEquals(List.of("a", "b"), List.of(value.texts()));
        assertEquals(new Tree("o", Optional.of(new Tree("l", Optional.empty(), Optional.empty())), Optional.empty()),
                value.forest().get("oak"));
        assertEquals("{\"$ref\":\"#/$defs/Tree\"}", RecordSchema.of(Scalars.class).at("/properties/forest/additionalProperties").toString());
    }

    @Test
    void unsupportedComponentTypesNameTheRecordAndComponent() {
        assertUnsupported(WithSet.class, "unsupported type java.util.Set<java.lang.String> of component 'names' in record "
                + WithSet.class.getName());
        assertUnsupported(WithObject.class, "unsupported type java.lang.Object of component 'anything' in record "
                + WithObject.class.getName());
        assertUnsupported(WithBytes.class, "unsupported type byte[] of component 'data' in record " + WithBytes.class.getName());
        assertUnsupported(WithRawList.class, "component 'items' of record " + WithRawList.class.getName()
                + " uses the raw type java.util.List: give its type arguments");
        assertUnsupported(WithGeneric.class, "unsupported type " + RecordSchemaTest.class.getName()
                + "$Generic<java.lang.String> of component 'inner' in record " + WithGeneric.class.getName());
        assertUnsupported(WithIntKeys.class, "unsupported type java.util.Map<java.lang.Integer, java.lang.String> of component 'byId' in record "
                + WithIntKeys.class.getName());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Test
    void nonRecordClassesAreRejected() {
        Class raw = String.class;
        var e = assertThrows(IllegalArgumentException.class, () -> RecordSchema.of(raw));
        assertEquals("java.lang.String is not a record class", e.getMessage());
    }

    private static void assertUnsupported(Class<? extends Record> type, String message) {
        var e = assertThrows(IllegalArgumentException.class, () -> RecordSchema.of(type));
        assertEquals(message, e.getMessage());
    }
}
