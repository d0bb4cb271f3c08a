package io.github.panamallama.grammar;

import java.util.List;
import java.util.Optional;

/**
 * The tools one chat request offers, ready for generation in {@link ToolCallFormat}: the
 * functions' block for the system prompt, the grammar that holds calls to their schemas, and
 * whether that grammar binds the whole reply ({@link Choice#REQUIRED}) or waits for the call
 * marker ({@link Choice#AUTO}: a lazy grammar). The LangChain4j and Spring AI chat models read
 * their frameworks' tools into one (asking {@link #offered} first); the reply is read back with
 * {@link ToolCallReader}.
 */
public final class ToolCallPlan {
    /** Whether the model may, must or must not call; what the frameworks' tool choices map to. */
    public enum Choice {
        /** The model decides: free text, or calls once it writes the marker. */
        AUTO,
        /** At least one call: the whole reply is calls. */
        REQUIRED,
        /** No calls: the functions are not shown and the reply is text. */
        NONE
    }

    private final List<ToolCallFormat.Tool> tools;
    private final Choice choice;
    private final String grammar;

    /**
     * The plan for {@code tools} the model is shown (see {@link #offered}); builds the grammar
     * now, so that a schema it cannot express fails here.
     *
     * @param choice {@code AUTO} or {@code REQUIRED}
     * @param maxCalls the most calls one reply may make (1 = no parallel calls)
     * @throws IllegalArgumentException for no tools, {@code NONE}, or a parameter schema the
     *     grammar cannot express (naming the tool)
     */
    public ToolCallPlan(List<ToolCallFormat.Tool> tools, Choice choice, int maxCalls) {
        if (tools.isEmpty() || choice == Choice.NONE) {
            throw new IllegalArgumentException("a tool-call plan needs tools the model may call; got " + tools.size()
                    + " under " + choice);
        }
        this.tools = List.copyOf(tools);
        this.choice = choice;
        this.grammar = ToolCallFormat.grammar(this.tools, maxCalls);
    }

    /**
     * Whether a request with {@code toolCount} tools under {@code choice} shows the model any:
     * not without tools, nor under {@link Choice#NONE}. Ask before converting the tools.
     *
     * @param toolKind what the caller's framework calls a tool ("tool specification", "tool
     *     callback"), for the message when {@code REQUIRED} comes without one
     * @throws IllegalArgumentException for {@code REQUIRED} without tools
     */
    public static boolean offered(int toolCount, Choice choice, String toolKind) {
        if (toolCount == 0 && choice == Choice.REQUIRED) {
            throw new IllegalArgumentException("toolChoice REQUIRED needs at least one " + toolKind);
        }
        return toolCount > 0 && choice != Choice.NONE;
    }

    public List<ToolCallFormat.Tool> tools() {
        return tools;
    }

    /** The block that lists the functions and says how to call them, for the system prompt. */
    public String systemPrompt() {
        return ToolCallFormat.systemPrompt(tools);
    }

    /** The GBNF grammar of a reply of calls. */
    public String grammar() {
        return grammar;
    }

    /**
     * The text that switches the grammar on: {@link ToolCallFormat#MARKER} for {@code AUTO};
     * empty for {@code REQUIRED}, whose grammar binds from the first token.
     */
    public Optional<String> trigger() {
        return choice == Choice.REQUIRED ? Optional.empty() : Optional.of(ToolCallFormat.MARKER);
    }
}
