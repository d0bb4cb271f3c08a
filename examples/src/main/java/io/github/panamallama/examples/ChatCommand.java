package io.github.panamallama.examples;

import io.github.panamallama.ChatMessage;
import io.github.panamallama.ChatSession;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaException;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.Sampler;
import io.github.panamallama.StopReason;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Interactive chat in the terminal. Each turn decodes only the new message: the earlier turns
 * stay in the context's memory. Ctrl-C stops an answer; at the prompt it quits.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Chat with a model in the terminal, using its chat template (Mistral Instruct"
                + " [INST] ... [/INST] if it has none). Reads one message per line from stdin.",
                "Commands: /reset (forget the conversation), /save FILE, /load FILE (the session:"
                        + " memory and history), /quit. Ctrl-C stops an answer; at the prompt it quits."},
        footer = {"", "Example: scripts/example chat -m mistral-7b-instruct-v0.2.Q4_K_M.gguf --temp 0.7"})
final class ChatCommand implements Callable<Integer> {
    /** Exit status after Ctrl-C at the prompt, as shells report SIGINT. */
    static final int INTERRUPTED_EXIT = 130;

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "" + GenerationOptions.DEFAULT_MAX_TOKENS,
            description = "Most tokens per answer. Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system prompt for the whole conversation.")
    String systemPrompt;

    @Option(names = "--chat-template", paramLabel = "NAME",
            description = "A llama.cpp built-in template name (e.g. mistral-v1, chatml, llama3) instead of the model's.")
    String chatTemplate;

    @Mixin
    ContextSettings context;

    @Mixin
    SamplingFlags sampling;

    @Override
    public Integer call() throws IOException {
        sampling.check(maxTokens);
        Path modelPath = model.resolve();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Console console = System.console();
        boolean terminal = console != null && console.isTerminal();
        try (LlamaModel llama = LlamaModel.load(modelPath, context.modelOptions());
             LlamaContext ctx = llama.newContext(context.contextOptions().build());
             Sampler sampler = sampling.build(llama, Optional.empty());
             Conversation conversation = new Conversation(ctx, sampler, template(llama), systemPrompt);
             Interrupts interrupts = Interrupts.install()) {
            err.printf("chat template: %s%s; context: %d tokens. /reset, /save FILE, /load FILE, /quit;"
                            + " Ctrl-C stops an answer.%n",
                    llama.chatTemplate().isPresent() && chatTemplate == null ? "the model's" : conversation.template(),
                    llama.chatTemplate().isEmpty() && chatTemplate == null ? " (the model has none)" : "",
                    ctx.contextLength());
            err.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null) {
                    out.println();
                    out.flush();
                    return 0;
                }
                if (!terminal) {
                    out.println(line); // a transcript reads like the terminal would have shown it
                    out.flush();
                }
                String text = line.strip();
                if (text.isEmpty()) {
                    continue;
                }
                if (text.startsWith("/")) {
                    if (!command(text, conversation, err)) {
                        return 0;
                    }
                    continue;
                }
                answer(text, conversation, interrupts, out, err);
            }
        }
    }

    private String template(LlamaModel llama) {
        String template = chatTemplate != null ? chatTemplate : llama.chatTemplate().orElse(ChatSession.FALLBACK_TEMPLATE);
        try {
            ChatSession.applyTemplate(template, List.of(ChatMessage.user("check")), true);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), chatTemplate != null ? "--chat-template: " + e.getMessage()
                    : "the model's chat template: " + e.getMessage() + " (choose one with --chat-template NAME)");
        }
        return template;
    }

    private void answer(String text, Conversation conversation, Interrupts interrupts, PrintWriter out, PrintWriter err) {
        Conversation.Reply reply;
        interrupts.whileAnswering(conversation::requestStop);
        try {
            reply = conversation.send(text, maxTokens, piece -> {
                out.print(piece);
                out.flush();
            });
        } catch (IllegalStateException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return;
        } finally {
            interrupts.atPrompt();
        }
        if (reply.stopReason() == StopReason.CANCELLED) {
            out.print(" [stopped]");
        }
        out.println();
        out.flush();
        err.printf("[%d prompt tokens decoded, %d reused from memory; %d generated, %.1f tokens/s; stop: %s;"
                        + " memory holds %d tokens]%n",
                reply.decodedPromptTokens(), reply.reusedTokens(), reply.generatedTokens(), reply.tokensPerSecond(),
                reply.stopReason(), conversation.tokensInMemory());
        err.flush();
    }

    /** Runs a slash command; false to quit. */
    private boolean command(String text, Conversation conversation, PrintWriter err) {
        String[] parts = text.split("\\s+", 2);
        String argument = parts.length > 1 ? parts[1].strip() : "";
        try {
            switch (parts[0]) {
                case "/quit", "/exit" -> {
                    return false;
                }
                case "/reset" -> {
                    conversation.reset();
                    err.println("(conversation forgotten)");
                }
                case "/save" -> {
                    requireFile(argument, "/save");
                    conversation.save(Path.of(argument));
                    err.printf("(saved %d tokens and %d messages to %s)%n", conversation.tokensInMemory(),
                            conversation.history().size(), argument);
                }
                case "/load" -> {
                    requireFile(argument, "/load");
                    conversation.load(Path.of(argument));
                    err.printf("(loaded %d tokens and %d messages from %s)%n", conversation.tokensInMemory(),
                            conversation.history().size(), argument);
                }
                default -> err.println("unknown command " + parts[0] + ": use /reset, /save FILE, /load FILE or /quit");
            }
        } catch (IOException | LlamaException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
        }
        err.flush();
        return true;
    }

    private static void requireFile(String argument, String command) {
        if (argument.isEmpty()) {
            throw new IllegalArgumentException(command + " needs a file name, e.g. " + command + " chat.session");
        }
    }
}
