package io.github.panamallama.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import io.github.panamallama.ChatSession;
import io.github.panamallama.ChatTranscript;
import io.github.panamallama.grammar.ToolCallFormat;
import java.util.List;
import java.util.Optional;

/**
 * Turns LangChain4j messages into the prompt text of one generation, with the model's chat
 * template (llama.cpp's {@code llama_chat_apply_template}, through
 * {@link ChatSession#applyTemplate}), ending where the assistant's reply starts.
 */
final class ChatPrompt {
    private ChatPrompt() {}

    /**
     * @throws IllegalArgumentException for an empty conversation, a message kind or content
     *     this adapter cannot send (images, audio, ...), or a template
     *     llama.cpp does not support
     */
    static String format(String template, List<ChatMessage> messages) {
        return format(template, messages, Optional.empty());
    }

    /**
     * As {@link #format(String, List)}; tool calls and results are written in
     * {@link ToolCallFormat}, and {@code toolsPrompt} (the functions) joins the system prompt.
     */
    static String format(String template, List<ChatMessage> messages, Optional<String> toolsPrompt) {
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("the chat request has no messages");
        }
        ChatTranscript transcript = new ChatTranscript();
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) instanceof ToolExecutionResultMessage result) {
                transcript.addToolResult(ToolCallFormat.resultText(result.id(), result.toolName(), result.text()));
            } else {
                transcript.add(convert(messages.get(i), i));
            }
        }
        return ChatSession.applyTemplate(template, transcript.messages(toolsPrompt), true);
    }

    private static io.github.panamallama.ChatMessage convert(ChatMessage message, int index) {
        return switch (message) {
            case SystemMessage system -> io.github.panamallama.ChatMessage.system(system.text());
            case UserMessage user -> io.github.panamallama.ChatMessage.user(userText(user, index));
            case AiMessage ai -> {
                if (ai.hasToolExecutionRequests()) {
                    yield io.github.panamallama.ChatMessage.assistant(ToolCallFormat.callsText(ai.text(),
                            ai.toolExecutionRequests().stream()
                                    .map(request -> new ToolCallFormat.Call(request.name(), request.arguments())).toList()));
                }
                if (ai.text() == null) {
                    throw new IllegalArgumentException("message " + index + " is an AiMessage without text");
                }
                yield io.github.panamallama.ChatMessage.assistant(ai.text());
            }
            case null -> throw new IllegalArgumentException("message " + index + " is null");
            default -> throw new IllegalArgumentException("message " + index + " is a " + message.type()
                    + " message; panama-llama chat models take SYSTEM, USER, AI and TOOL_EXECUTION_RESULT messages");
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
