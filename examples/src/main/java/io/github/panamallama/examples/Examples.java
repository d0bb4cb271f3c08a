package io.github.panamallama.examples;

import io.github.panamallama.LlamaException;
import io.github.panamallama.examples.server.ServerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the example programs: {@code scripts/example <program> [options]}. */
@Command(name = "example", mixinStandardHelpOptions = true,
        description = "panama-llama example programs.",
        subcommands = {SystemInfoCommand.class, ConvertCommand.class, ConvertBenchmarkCommand.class,
            QuantizeCommand.class, ServerCommand.class, GenerateCommand.class, ChatCommand.class,
            LongContextCommand.class, EmbedCommand.class})
public final class Examples {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree, with native failures shown as one readable message, not a trace. */
    public static CommandLine commandLine() {
        return commandLine(new Examples());
    }

    /** One command (or a tree) set up as every example is: readable native failures, case-blind enums. */
    public static CommandLine commandLine(Object command) {
        CommandLine commandLine = new CommandLine(command);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true); // --type f16 as well as F16
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            if (exception instanceof LlamaException) {
                cmd.getErr().println("error: " + exception.getMessage());
                return 2;
            }
            throw exception;
        });
        return commandLine;
    }
}
