package io.github.panamallama.grammar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordMapperTest {
    public enum Priority { LOW, HIGH }

    public record Step(String text, boolean done) {}

    public record Task(String title, Priority priority, Optional<Integer> estimate, List<Step> steps) {}

    public record Misc(int[] numbers, Map<String, Double> weights, Optional<Step> next) {}

    @Test
    void parsesNestedRecordsListsEnumsAndOptionals() {
        Task task = RecordMapper.parse("""
                {"title": "Ship", "priority": "HIGH", "estimate": 3,
                 "steps": [{"text": "build", "done": true}, {"text": "test", "done": false}]}""", Task.class);
        assertEquals(new Task("Ship", Priority.HIGH, Optional.of(3),
                List.of(new Step("build", true), new Step("test", false))), task);
    }

    @Test
    void absentOrNullOptionalIsEmpty() {
        Task absent = RecordMapper.parse("{\"title\":\"t\",\"priority\":\"LOW\",\"steps\":[]}", Task.class);
        assertEquals(Optional.empty(), absent.estimate());
        Task nulled = RecordMapper.parse("{\"title\":\"t\",\"priority\":\"LOW\",\"estimate\":null,\"steps\":[]}", Task.class);
        assertEquals(Optional.empty(), nulled.estimate());
    }

    @Test
    void parsesArraysMapsAndOptionalRecords() {
        Misc misc = RecordMapper.parse("{\"numbers\":[1,-2],\"weights\":{\"a\":0.5},\"next\":{\"text\":\"x\",\"done\":false}}", Misc.class);
        assertArrayEquals(new int[] {1, -2}, misc.numbers());
        assertEquals(Map.of("a", 0.5), misc.weights());
        assertEquals(Optional.of(new Step("x", false)), misc.next());
    }

    @Test
    void rejectsJsonThatDoesNotFit() {
        assertMessage("{\"title\":\"t\",\"priority\":\"LOW\"}", "missing or null property $.steps (component 'steps' of record "
                + Task.class.getName() + ")");
        assertMessage("{\"title\":\"t\",\"priority\":\"LOW\",\"steps\":[{\"text\":\"a\"}]}", "JSON does not fit record");
        assertMessage("{\"title\":\"t\",\"priority\":\"LOW\",\"steps\":[{\"done\":true}]}",
                "missing or null property $.steps[0].text (component 'text' of record " + Step.class.getName() + ")");
        assertMessage("{\"title\":\"t\",\"priority\":\"MEDIUM\",\"steps\":[]}", "JSON does not fit record " + Task.class.getName());
        assertMessage("{\"title\":\"t\",\"priority\":\"LOW\",\"steps\":[],\"extra\":1}", "JSON does not fit record");
        assertMessage("{\"title\":\"t\",\"priority\":\"LOW\",\"steps\":[]} x", "JSON does not fit record");
        assertMessage("{\"title\":\"t\",\"priority\":\"LOW\",\"estimate\":1.5,\"steps\":[]}", "JSON does not fit record");
        assertMessage("{\"title\":\"t\",\"priority\":\"LOW\",\"estimate\":2147483648,\"steps\":[]}", "JSON does not fit record");
        assertMessage("{\"title\":\"t\",\"priority\":\"LOW\",\"steps\":[null]}", "null element at $.steps[0]");
        assertMessage("null", "JSON null where record " + Task.class.getName() + " was expected");
        assertMessage("{\"title\":", "JSON does not fit record");
    }

    private static void assertMessage(String json, String expectedStart) {
        var e = assertThrows(IllegalArgumentException.class, () -> RecordMapper.parse(json, Task.class));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }
}
