package io.github.panamallama.langchain4j;

import static org.junit.jupiter.api.Assertions.*;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.AudioContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatPromptTest {
    @Test
    void mistralInstructLayout() {
        assertEquals(" [INST] Be brief.\n\nHi [/INST] Hello</s> [INST] Bye [/INST]", ChatPrompt.format("mistral-v1",
                List.of(SystemMessage.from("Be brief."), UserMessage.from("Hi"), AiMessage.from("Hello"), UserMessage.from("Bye"))));
    }

    @Test
    void otherBuiltInTemplates() {
        assertEquals("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
                ChatPrompt.format("chatml", List.of(UserMessage.from("Hi"))));
    }

    @Test
    void textPartsOfOneUserMessageAreJoinedByNewlines() {
        assertEquals(" [INST] one\ntwo [/INST]", ChatPrompt.format("mistral-v1",
                List.of(UserMessage.from(TextContent.from("one"), TextContent.from("two")))));
    }

    @Test
    void rejectsWhatCannotBeSent() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> ChatPrompt.format("mistral-v1", List.of()));
        assertTrue(empty.getMessage().contains("no messages"), empty.getMessage());
        IllegalArgumentException audio = assertThrows(IllegalArgumentException.class, () -> ChatPrompt.format("mistral-v1",
                List.of(UserMessage.from("Hi"), UserMessage.from(AudioContent.from("aGVsbG8=", "audio/wav")))));
        assertTrue(audio.getMessage().contains("message 1") && audio.getMessage().contains("AUDIO"), audio.getMessage());
        IllegalArgumentException template = assertThrows(IllegalArgumentException.class,
                () -> ChatPrompt.format("no-such-template", List.of(UserMessage.from("Hi"))));
        assertTrue(template.getMessage().contains("no-such-template"), template.getMessage());
    }
}
