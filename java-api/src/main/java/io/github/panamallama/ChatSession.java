package io.github.panamallama;

import static io.github.panamallama.internal.llama.llama_h.*;

import io.github.panamallama.internal.llama.llama_chat_message;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A multi-turn chat on one context: formats the history with a chat template (llama.cpp's
 * built-in templates: the model's own, or Mistral Instruct {@code [INST] ... [/INST]} when it
 * has none) and reuses the memory for the part of the prompt the previous turn already
 * decoded, so each turn decodes only what is new. Uses sequence 0 of the context; do not use
 * the context's memory for anything else in between. Single-threaded, like its context.
 */
public final class ChatSession {
    /** Used when the model carries no chat template: Mistral Instruct v0.1/v0.2 format. */
    public static final String FALLBACK_TEMPLATE = "mistral-v1";
    private static final int MAX_PROMPT_BYTES = 64 << 20;

    private final LlamaContext context;
    private final String template;
    private final List<ChatMessage> history = new ArrayList<>();
    /** The tokens sequence 0 of the memory holds, as left by the last turn. */
    private int[] cached = new int[0];
    private int lastReused;

    private ChatSession(LlamaContext context, String template) {
        this.context = context;
        this.template = template;
    }

    /** A session with the model's chat template, or {@link #FALLBACK_TEMPLATE} if it has none. */
    public static ChatSession create(LlamaContext context) {
        Objects.requireNonNull(context, "context");
        // Through the context: it keeps the model alive, so this works after the model's close.
        String template = context.guard().call(() -> context.model().heldChatTemplate()).orElse(FALLBACK_TEMPLATE);
        return create(context, template);
    }

    /**
     * A session with a given template: a built-in name (e.g. {@code chatml}, {@code mistral-v1},
     * {@code llama3}) or a Jinja template llama.cpp recognises.
     *
     * @throws IllegalArgumentException if llama.cpp does not support the template
     */
    public static ChatSession create(LlamaContext context, String template) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(template, "template");
        context.guard().run(() -> {}); // refuses a closed context now, not at the first send
        applyTemplate(template, List.of(ChatMessage.user("test")), true); // fails early if unsupported
        return new ChatSession(context, template);
    }

    /**
     * Formats messages with a chat template.
     *
     * @param addAssistantStart end with the text that opens an assistant reply
     * @throws IllegalArgumentException if llama.cpp does not support the template
     */
    public static String applyTemplate(String template, List<ChatMessage> messages, boolean addAssistantStart) {
        Objects.requireNonNull(template, "template");
        LlamaRuntime.get();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment chat = llama_chat_message.allocateArray(Math.max(1, messages.size()), call);
            long totalBytes = 0;
            for (int i = 0; i < messages.size(); i++) {
                ChatMessage message = messages.get(i);
                if (message.content().indexOf('\0') >= 0) {
                    // A C string ends at NUL: llama.cpp would silently drop the rest of the message.
                    throw new IllegalArgumentException("message " + i + " (" + message.role().templateName()
                            + ") contains a NUL character, which llama.cpp's chat template API cannot carry");
                }
                MemorySegment item = llama_chat_message.asSlice(chat, i);
                llama_chat_message.role(item, call.allocateFrom(message.role().templateName()));
                llama_chat_message.content(item, call.allocateFrom(message.content()));
                totalBytes += message.content().getBytes(StandardCharsets.UTF_8).length;
            }
            MemorySegment cTemplate = call.allocateFrom(template);
            int capacity = (int) Math.min(MAX_PROMPT_BYTES, 2 * totalBytes + 256);
            MemorySegment buffer = call.allocate(capacity);
            int length = llama_chat_apply_template(cTemplate, chat, messages.size(), addAssistantStart, buffer, capacity);
            if (length < 0) {
                throw new IllegalArgumentException("llama.cpp does not support the chat template \""
                        + abbreviate(template) + "\"; pass a built-in name such as \"" + FALLBACK_TEMPLATE + "\"");
            }
            if (length > capacity) {
                if (length > MAX_PROMPT_BYTES) {
                    throw new IllegalArgumentException("the formatted chat is " + length + " bytes, over the "
                            + MAX_PROMPT_BYTES + " accepted");
                }
                buffer = call.allocate(length);
                length = llama_chat_apply_template(cTemplate, chat, messages.size(), addAssistantStart, buffer, length);
            }
            return new String(buffer.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }

    /** Sets the system prompt; only before the first turn. */
    public ChatSession system(String prompt) {
        Objects.requireNonNull(prompt, "prompt");
        if (!history.isEmpty()) {
            throw new IllegalStateException("the system prompt must come before the first message");
        }
        history.add(ChatMessage.system(prompt));
        return this;
    }

    /**
     * Sends a user message and generates the assistant's reply, which joins the history. The
     * prompt is tokenized with BOS and special-token parsing whatever the options'
     * {@code addSpecial}/{@code parseSpecial} say: templates write control tokens as text.
     */
    public Completion send(String userMessage, GenerationOptions options) {
        return send(userMessage, options, piece -> {});
    }

    /** As {@link #send(String, GenerationOptions)}, passing the reply's text as it is produced. */
    public Completion send(String userMessage, GenerationOptions options, Consumer<String> onText) {
        Objects.requireNonNull(userMessage, "userMessage");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(onText, "onText");
        List<ChatMessage> next = new ArrayList<>(history);
        next.add(ChatMessage.user(userMessage));
        String prompt = applyTemplate(template, next, true);
        int[] tokens = tokenize(prompt);
        if (!memoryMatchesCache()) {
            cached = new int[0]; // the memory was changed behind the session's back
        }
        int reused = Math.min(commonPrefix(cached, tokens), tokens.length - 1);
        Completion completion;
        CompletionStream stream = new CompletionStream(context, tokens, reused, options);
        try (stream) {
            while (stream.hasNext()) {
                onText.accept(stream.next());
            }
            completion = stream.completion();
            cached = stream.tokensInMemory();
        } catch (RuntimeException | Error e) {
            cached = new int[0]; // memory state unknown: start over next turn
            throw e;
        }
        lastReused = reused;
        history.add(ChatMessage.user(userMessage));
        // A model can emit a NUL byte (byte-fallback token <0x00>); the history must stay
        // formattable, and a NUL carries no text, so it is left out of the recorded reply.
        history.add(ChatMessage.assistant(completion.text().replace("\0", "")));
        return completion;
    }

    private boolean memoryMatchesCache() {
        java.util.OptionalInt max = context.memory().maxPosition(0);
        return max.isPresent() ? max.getAsInt() == cached.length - 1 : cached.length == 0;
    }

    private int[] tokenize(String prompt) {
        // Templates write control tokens such as </s> as text: parse them.
        return context.guard().call(() -> context.model().heldVocabulary()
                .tokenizeUtf8(prompt.getBytes(StandardCharsets.UTF_8), true, true));
    }

    private static int commonPrefix(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }

    /** The messages so far (system, user and assistant turns). */
    public List<ChatMessage> history() {
        return List.copyOf(history);
    }

    public String template() {
        return template;
    }

    /** How many prompt tokens the last turn took from the memory instead of decoding. */
    public int lastReusedTokens() {
        return lastReused;
    }

    /** Forgets the history (keeps the system prompt) and the cached tokens. */
    public void reset() {
        ChatMessage system = !history.isEmpty() && history.getFirst().role() == ChatRole.SYSTEM ? history.getFirst() : null;
        history.clear();
        if (system != null) {
            history.add(system);
        }
        cached = new int[0];
    }
}
