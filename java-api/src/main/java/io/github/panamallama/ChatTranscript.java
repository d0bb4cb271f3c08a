package io.github.panamallama;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A conversation with tool calls put into the plain turns llama.cpp's chat templates take
 * (system, user, assistant: its template API carries nothing else). Tool results go in user
 * turns, those of one round of calls sharing one turn, since templates expect the roles to
 * alternate; a block describing the tools joins the system prompt. The texts of calls and
 * results are the caller's format (the LangChain4j and Spring AI models use the grammar
 * module's {@code ToolCallFormat}).
 */
public final class ChatTranscript {
    private final List<ChatMessage> messages = new ArrayList<>();
    private boolean lastIsResults;

    public ChatTranscript add(ChatMessage message) {
        messages.add(Objects.requireNonNull(message, "message"));
        lastIsResults = false;
        return this;
    }

    /** One tool result's text; joins the turn of the results just before it, if any. */
    public ChatTranscript addToolResult(String text) {
        Objects.requireNonNull(text, "text");
        if (lastIsResults) {
            text = messages.removeLast().content() + "\n" + text;
        }
        messages.add(ChatMessage.user(text));
        lastIsResults = true;
        return this;
    }

    /**
     * The turns, with {@code systemBlock} (if present) joined to the system prompt, or made the
     * system prompt when there is none.
     *
     * @throws IllegalArgumentException if nothing was added
     */
    public List<ChatMessage> messages(Optional<String> systemBlock) {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("the conversation has no messages");
        }
        List<ChatMessage> turns = new ArrayList<>(messages);
        systemBlock.ifPresent(block -> {
            if (turns.getFirst().role() == ChatRole.SYSTEM) {
                turns.addFirst(ChatMessage.system(turns.removeFirst().content() + "\n\n" + block));
            } else {
                turns.addFirst(ChatMessage.system(block));
            }
        });
        return List.copyOf(turns);
    }
}
