package io.github.panamallama.examples.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.examples.Examples;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The server's options refused before any model is loaded, with the option named. */
class ServerCommandTest {
    private static String refusal(String... arguments) {
        CommandLine command = Examples.commandLine(new ServerCommand());
        StringWriter err = new StringWriter();
        command.setErr(new PrintWriter(err));
        assertEquals(2, command.execute(arguments), err.toString());
        return err.toString();
    }

    @Test
    void pollOutOfRangeNamesTheOption() {
        for (String poll : new String[] {"-1", "101"}) {
            String message = refusal("--model", "/nonexistent.gguf", "--poll", poll);
            assertTrue(message.contains("--poll must be 0-100, got " + poll), message);
        }
    }

    @Test
    void unknownCacheTypeNamesTheOptionAndTheTypes() {
        String message = refusal("--model", "/nonexistent.gguf", "--cache-type-k", "q9_9");
        assertTrue(message.contains("--cache-type-k") && message.contains("q9_9") && message.contains("Q8_0"), message);
    }
}
