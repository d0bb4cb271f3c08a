package io.github.panamallama.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import io.github.panamallama.ChatSession;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns LangChain4j messages into the prompt text of one generation, with the model's chat
 * template (llama.cpp's {@code llama_chat_apply_template}, through
 * {@link ChatSession#applyTemplate}), ending where the assistant's reply starts.
 */
final class ChatPrompt {
    private ChatPrompt() {}

    /**
     * @throws IllegalArgumentException for an empty conversation, a message kind or content
     *     this adapter cannot send (tool calls and results, images, audio, ...), or a template
     *     llama.cpp does not support
     */
    static String format(String template, List<ChatMessage> messages) {
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("the chat request has no messages");
        }
        List<io.github.panamallama.ChatMessage> converted = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            converted.add(convert(messages.get(i), i));
        }
        return ChatSession.applyTemplate(template, converted, true);
    }

    private static io.github.panamallama.ChatMessage convert(ChatMessage message, int index) {
        return switch (message) {
            case SystemMessage system -> io.github.panamallama.ChatMessage.system(system.text());
            case UserMessage user -> io.github.panamallama.ChatMessage.user(userText(user, index));
            case AiMessage ai -> {
                if (ai.hasToolExecutionRequests()) {
                    throw new IllegalArgumentException("message " + index
                            + " is an AiMessage with tool execution requests; panama-llama chat models do not support tools");
                }
                if (ai.text() == null) {
                    throw new IllegalArgumentException("message " + index + " is an AiMessage without text");
                }
                yield io.github.panamallama.ChatMessage.assistant(ai.text());
            }
            case null -> throw new IllegalArgumentException("message " + index + " is null");
            default -> throw new IllegalArgumentException("message " + index + " is a " + message.type()
                    + " message; panama-llama chat models take SYSTEM, USER and AI messages");
        };
    }

    /** The text of a user message; several text parts are joined by newlines. */
    private static String userText(UserMessage user, int index) {
        StringBuilder text = new StringBuilder();
        for (Content content : user.contents()) {
            if (!(content instanceof TextContent part)) {
                throw new IllegalArgumentException("message " + index + " (USER) has " + content.type()
                        + " content; panama-llama chat models take text only");
            }
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(part.text());
        }
        return text.toString();
    }
}
