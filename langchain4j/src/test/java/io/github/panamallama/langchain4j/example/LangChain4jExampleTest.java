package io.github.panamallama.langchain4j.example;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.panamallama.fixture.BuiltFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LangChain4jExampleTest {
    @Test
    void runsEveryStepOnTheTinyModel() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LangChain4jExample.run(BuiltFixtures.tinyMistralF16(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("model: tiny-mistral-f16, chat template: mistral-v1"), out);
        for (String section : List.of("== ChatModel\n", "== StreamingChatModel", "== ChatModel with a JSON schema", "== EmbeddingModel (dimension 256)")) {
            assertTrue(out.contains(section), section + " missing in:\n" + out);
        }
        List<String> lines = out.lines().toList();
        String chatReply = lines.get(lines.indexOf("== ChatModel") + 1).substring("reply:  ".length());
        String streamed = lines.get(lines.indexOf("== StreamingChatModel (pieces separated by |)") + 1).replace("|", "");
        assertEquals(chatReply, streamed, "greedy: the streamed reply equals the blocking one");
        int json = lines.indexOf("== ChatModel with a JSON schema response format");
        assertTrue(new ObjectMapper().readTree(lines.get(json + 1).substring("reply:  ".length())).has("kind"), out);
        assertTrue(out.contains("cosine(0,1) = "), out);
    }
}
