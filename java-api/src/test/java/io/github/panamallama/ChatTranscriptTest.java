package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChatTranscriptTest {
    @Test
    void resultsOfOneRoundShareAUserTurn() {
        List<ChatMessage> turns = new ChatTranscript()
                .add(ChatMessage.user("weather in Paris and Oslo?"))
                .add(ChatMessage.assistant("[calls]"))
                .addToolResult("Paris: 21")
                .addToolResult("Oslo: 9")
                .add(ChatMessage.assistant("21 and 9"))
                .addToolResult("late result")
                .messages(Optional.empty());
        assertEquals(List.of(ChatMessage.user("weather in Paris and Oslo?"), ChatMessage.assistant("[calls]"),
                ChatMessage.user("Paris: 21\nOslo: 9"), ChatMessage.assistant("21 and 9"), ChatMessage.user("late result")), turns);
    }

    @Test
    void theToolsBlockJoinsTheSystemPromptOrBecomesIt() {
        ChatTranscript withSystem = new ChatTranscript().add(ChatMessage.system("Be brief.")).add(ChatMessage.user("Hi"));
        assertEquals(List.of(ChatMessage.system("Be brief.\n\nTOOLS"), ChatMessage.user("Hi")),
                withSystem.messages(Optional.of("TOOLS")));
        assertEquals(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi")), withSystem.messages(Optional.empty()),
                "asking again does not join twice");
        assertEquals(List.of(ChatMessage.system("TOOLS"), ChatMessage.user("Hi")),
                new ChatTranscript().add(ChatMessage.user("Hi")).messages(Optional.of("TOOLS")));
    }

    @Test
    void anEmptyConversationIsRefused() {
        assertEquals("the conversation has no messages",
                assertThrows(IllegalArgumentException.class, () -> new ChatTranscript().messages(Optional.empty())).getMessage());
    }
}
