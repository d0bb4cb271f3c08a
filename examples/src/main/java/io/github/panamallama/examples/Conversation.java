package io.github.panamallama.examples;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.panamallama.Batch;
import io.github.panamallama.ChatMessage;
import io.github.panamallama.ChatRole;
import io.github.panamallama.ChatSession;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.Sampler;
import io.github.panamallama.StopReason;
import io.github.panamallama.Vocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A chat on sequence 0 of one context. It knows which tokens (and which formatted text) the
 * memory holds, so a turn decodes only the new text: the end of the last reply and the new user
 * message; the reply's own tokens stay as the model generated them. It can save and restore
 * the whole session (memory through llama.cpp's state file, history as JSON beside it). The
 * library's {@link ChatSession} reuses memory by comparing re-tokenized prompts and keeps its
 * tokens private, which a saved session needs; this class shares its template formatting.
 */
final class Conversation implements AutoCloseable {
    /** Prompt tokens per decode: small enough that a stop request is honoured quickly. */
    private static final int PROMPT_CHUNK = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One assistant reply and what it cost. */
    record Reply(String text, StopReason stopReason, int reusedTokens, int decodedPromptTokens,
                 int generatedTokens, double generationMillis) {
        double tokensPerSecond() {
            return generationMillis > 0 ? generatedTokens * 1000.0 / generationMillis : 0;
        }
    }

    /** Stored next to the state file: the messages, and the text whose tokens the memory holds. */
    record SavedHistory(String template, List<ChatMessage> messages, String memoryText) {}

    private final LlamaContext context;
    private final Vocabulary vocabulary;
    private final Sampler sampler;
    private final String template;
    private final Batch batch;
    private final List<ChatMessage> history = new ArrayList<>();
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    /** The tokens sequence 0 of the memory holds, in position order. */
    private int[] memory = new int[16];
    private int memoryCount;
    /**
     * The formatted text those tokens stand for (prompt plus reply as generated), or empty when
     * unknown. When the next formatted prompt starts with it, only the rest is tokenized and
     * decoded: the reply's tokens stay exactly as the model chose them.
     */
    private String memoryText = "";

    Conversation(LlamaContext context, Sampler sampler, String template, String systemPrompt) {
        this.context = context;
        this.vocabulary = context.model().vocabulary();
        this.sampler = sampler;
        this.template = template;
        ChatSession.applyTemplate(template, List.of(ChatMessage.user("check")), true); // unsupported: fails now
        if (systemPrompt != null) {
            history.add(ChatMessage.system(systemPrompt));
        }
        this.batch = new Batch(Math.min(PROMPT_CHUNK, context.batchSize()));
    }

    String template() {
        return template;
    }

    List<ChatMessage> history() {
        return List.copyOf(history);
    }

    /** Tokens the memory holds now. */
    int tokensInMemory() {
        return memoryCount;
    }

    /** Ends the running reply after the current token; callable from any thread (a signal handler). */
    void requestStop() {
        stopRequested.set(true);
    }

    /**
     * Sends a user message and streams the reply, which joins the history (also when stopped
     * early).
     *
     * @throws IllegalStateException if the conversation no longer fits the context
     */
    Reply send(String message, int maxTokens, Consumer<String> onText) {
        stopRequested.set(false);
        List<ChatMessage> next = new ArrayList<>(history);
        next.add(ChatMessage.user(message));
        String formatted = ChatSession.applyTemplate(template, next, true);
        int[] prompt = promptTokens(formatted);
        if (prompt.length >= context.contextLength()) {
            throw new IllegalStateException("the conversation is " + prompt.length + " tokens but the context holds "
                    + context.contextLength() + ": /reset to start over, or pass a larger --context-length");
        }
        int reused = Math.min(commonPrefix(prompt), prompt.length - 1);
        forgetFrom(reused);
        sampler.reset();
        StringBuilder reply = new StringBuilder();
        long start = System.nanoTime();
        StopReason reason;
        try {
            decodePrompt(prompt, reused);
            start = System.nanoTime();
            reason = generate(maxTokens, reply, onText);
        } catch (RuntimeException e) {
            // A failed decode may leave part of its batch in the memory: drop what is not accounted for.
            forgetFrom(memoryCount);
            memoryText = "";
            throw e;
        }
        double millis = (System.nanoTime() - start) / 1e6;
        int promptInMemory = Math.min(memoryCount, prompt.length); // less if stopped during the prompt
        memoryText = promptInMemory == prompt.length ? formatted + reply : "";
        history.add(ChatMessage.user(message));
        history.add(ChatMessage.assistant(assistantContent(reply.toString())));
        return new Reply(reply.toString(), reason, reused, promptInMemory - reused, memoryCount - promptInMemory, millis);
    }

    /**
     * The prompt's tokens: the memory's tokens plus the new text when the memory holds a prefix
     * of it, else the whole text tokenized (then the longest common token prefix is reused).
     * Templates write control tokens such as {@code </s>} as text: they are parsed.
     */
    private int[] promptTokens(String formatted) {
        if (memoryCount > 0 && !memoryText.isEmpty() && formatted.startsWith(memoryText)
                && formatted.length() > memoryText.length()) {
            int[] added = vocabulary.tokenize(formatted.substring(memoryText.length()), false, true);
            int[] prompt = Arrays.copyOf(memory, memoryCount + added.length);
            System.arraycopy(added, 0, prompt, memoryCount, added.length);
            return prompt;
        }
        return vocabulary.tokenize(formatted, true, true);
    }

    /**
     * A reply as the history keeps it: without the one leading space that SentencePiece models
     * produce after {@code [/INST]}, because Mistral's template writes that space itself. So the
     * formatted history continues the text in memory and the next turn reuses all of it.
     */
    private String assistantContent(String reply) {
        // NUL (a byte-fallback <0x00> token) cannot pass through llama.cpp's C-string chat API.
        String text = reply.replace("\0", "");
        return template.startsWith("mistral") && text.startsWith(" ") ? text.substring(1) : text;
    }

    /** Decodes the prompt after the reused prefix, in chunks so that a stop request is seen between them. */
    private void decodePrompt(int[] prompt, int reused) {
        for (int from = reused; from < prompt.length && !stopRequested.get(); from += batch.capacity()) {
            int to = Math.min(prompt.length, from + batch.capacity());
            batch.clear();
            for (int i = from; i < to; i++) {
                batch.add(prompt[i], i, i == prompt.length - 1);
            }
            context.decode(batch);
            remember(prompt, from, to);
        }
    }

    /** Samples and decodes reply tokens until a stop condition; every emitted token is in the memory. */
    private StopReason generate(int maxTokens, StringBuilder reply, Consumer<String> onText) {
        int generatedTokens = 0;
        Utf8Pieces utf8 = new Utf8Pieces();
        StopReason reason = StopReason.MAX_TOKENS;
        try {
            while (true) {
                if (stopRequested.get()) {
                    reason = StopReason.CANCELLED;
                    break;
                }
                if (generatedTokens >= maxTokens) {
                    break;
                }
                if (memoryCount >= context.contextLength()) {
                    reason = StopReason.CONTEXT_FULL;
                    break;
                }
                int token = sampler.sample(context);
                if (vocabulary.isEndOfGeneration(token)) {
                    reason = StopReason.EOS;
                    break;
                }
                generatedTokens++;
                emit(utf8.append(vocabulary.tokenPieceBytes(token, false)), reply, onText);
                batch.clear();
                batch.add(token, memoryCount, true);
                context.decode(batch);
                remember(new int[] {token}, 0, 1);
            }
        } finally {
            emit(utf8.flush(), reply, onText);
        }
        return reason;
    }

    private static void emit(String piece, StringBuilder reply, Consumer<String> onText) {
        if (!piece.isEmpty()) {
            reply.append(piece);
            onText.accept(piece);
        }
    }

    /** Forgets the history (keeping a system prompt) and empties the memory. */
    void reset() {
        ChatMessage system = !history.isEmpty() && history.getFirst().role() == ChatRole.SYSTEM
                ? history.getFirst() : null;
        history.clear();
        if (system != null) {
            history.add(system);
        }
        forgetFrom(0);
        memoryText = "";
    }

    /**
     * Writes the session: llama.cpp's state file (memory and its tokens) at {@code file}, the
     * history at {@code file + ".history.json"}.
     */
    void save(Path file) throws IOException {
        context.saveState(file, Arrays.copyOf(memory, memoryCount));
        JSON.writerWithDefaultPrettyPrinter().writeValue(historyFile(file).toFile(),
                new SavedHistory(template, List.copyOf(history), memoryText));
    }

    /** Restores a session written by {@link #save(Path)}. */
    void load(Path file) throws IOException {
        Path historyFile = historyFile(file);
        if (!Files.isRegularFile(file) || !Files.isRegularFile(historyFile)) {
            throw new IOException("no saved session at " + file + " (it needs " + file.getFileName() + " and "
                    + historyFile.getFileName() + ")");
        }
        SavedHistory saved = JSON.readValue(historyFile.toFile(), new TypeReference<SavedHistory>() {});
        if (!template.equals(saved.template())) {
            throw new IOException("the session at " + file + " used chat template \"" + saved.template()
                    + "\", this chat uses \"" + template + "\"");
        }
        int[] tokens;
        try {
            tokens = context.loadState(file);
        } catch (RuntimeException e) {
            forgetFrom(0); // the memory may be half-overwritten: start clean
            history.clear();
            memoryText = "";
            throw e;
        }
        history.clear();
        history.addAll(saved.messages());
        memory = Arrays.copyOf(tokens, Math.max(16, tokens.length));
        memoryCount = tokens.length;
        memoryText = saved.memoryText() == null ? "" : saved.memoryText();
    }

    private static Path historyFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".history.json");
    }

    private int commonPrefix(int[] tokens) {
        int n = Math.min(memoryCount, tokens.length);
        int i = 0;
        while (i < n && memory[i] == tokens[i]) {
            i++;
        }
        return i;
    }

    private void forgetFrom(int position) {
        context.memory().removeTokens(0, position, Integer.MAX_VALUE);
        memoryCount = Math.min(memoryCount, position);
    }

    private void remember(int[] tokens, int from, int to) {
        int count = to - from;
        if (memoryCount + count > memory.length) {
            memory = Arrays.copyOf(memory, Math.max(memory.length * 2, memoryCount + count));
        }
        System.arraycopy(tokens, from, memory, memoryCount, count);
        memoryCount += count;
    }

    @Override
    public void close() {
        batch.close();
    }
}
