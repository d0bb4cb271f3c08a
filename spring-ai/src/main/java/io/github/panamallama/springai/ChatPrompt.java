package io.github.panamallama.springai;

import io.github.panamallama.ChatSession;
import io.github.panamallama.ChatTranscript;
import io.github.panamallama.grammar.ToolCallFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;

/**
 * Turns Spring AI messages into the prompt text of one generation with the model's chat
 * template (llama.cpp's {@code llama_chat_apply_template}, through
 * {@link ChatSession#applyTemplate}), ending where the assistant's reply starts. Tool calls and
 * tool results are written in {@link ToolCallFormat}.
 */
final class ChatPrompt {
    private ChatPrompt() {}

    /**
     * @param toolsPrompt the functions' block, joined to the system prompt (or made one)
     * @throws IllegalArgumentException for an empty conversation, media, a message kind this
     *     model cannot send, or a template llama.cpp does not support
     */
    static String format(String template, List<Message> messages, Optional<String> toolsPrompt) {
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("the prompt has no messages");
        }
        ChatTranscript transcript = new ChatTranscript();
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) instanceof ToolResponseMessage results) {
                for (ToolResponseMessage.ToolResponse result : results.getResponses()) {
                    transcript.addToolResult(ToolCallFormat.resultText(result.id(), result.name(), result.responseData()));
                }
            } else {
                transcript.add(convert(messages.get(i), i));
            }
        }
        return ChatSession.applyTemplate(template, transcript.messages(toolsPrompt), true);
    }

    private static io.github.panamallama.ChatMessage convert(Message message, int index) {
        return switch (message) {
            case SystemMessage system -> io.github.panamallama.ChatMessage.system(text(system, index));
            case UserMessage user -> {
                if (!user.getMedia().isEmpty()) {
                    throw new IllegalArgumentException("message " + index
                            + " (USER) has media; panama-llama chat models take text only");
                }
                yield io.github.panamallama.ChatMessage.user(text(user, index));
            }
            case AssistantMessage assistant -> {
                if (assistant.hasToolCalls()) {
                    yield io.github.panamallama.ChatMessage.assistant(ToolCallFormat.callsText(assistant.getText(),
                            assistant.getToolCalls().stream()
                                    .map(call -> new ToolCallFormat.Call(call.name(), call.arguments())).toList()));
                }
                yield io.github.panamallama.ChatMessage.assistant(text(assistant, index));
            }
            case null -> throw new IllegalArgumentException("message " + index + " is null");
            default -> throw new IllegalArgumentException("message " + index + " is a " + message.getMessageType()
                    + " message; panama-llama chat models take SYSTEM, USER, ASSISTANT and TOOL messages");
        };
    }

    private static String text(Message message, int index) {
        if (message.getText() == null) {
            throw new IllegalArgumentException("message " + index + " (" + message.getMessageType() + ") has no text");
        }
        return message.getText();
    }
}
