package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** scripts/chat-tmux-demo.sh: the chat in a real terminal (tmux), with Ctrl-C typed during an answer. */
class ChatTmuxDemoTest {
    @Test
    void twoTurnsAndCtrlCOnARealTerminal() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tmux")) || Files.isExecutable(Path.of("/usr/local/bin/tmux")),
                "tmux is not installed (scripts/install-prerequisites.sh installs it)");
        Path home = NativeToolchain.home();
        assumeTrue(Files.isDirectory(home.resolve("examples/target/lib")), "the examples are not packaged");
        ProcessBuilder builder = new ProcessBuilder(home.resolve("scripts/chat-tmux-demo.sh").toString())
                .redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("PANAMA_LLAMA_HOME", home.toString());
        builder.environment().remove("PANAMA_LLAMA_LIBRARY_PATH");
        Process process = builder.start();
        process.getOutputStream().close();
        String screen = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(180, TimeUnit.SECONDS), screen);
        assertEquals(0, process.exitValue(), screen);
        assertTrue(screen.contains("chat template: mistral-v1 (the model has none)"), screen);
        assertTrue(screen.contains("\n> Hello! Who are you?\n"), "the terminal echoed the first turn:\n" + screen);
        assertTrue(screen.matches("(?s).*\\n\\[24 prompt tokens decoded, 0 reused from memory; 200 generated, [\\d.]+"
                + " tokens/s; stop: MAX_TOKENS; memory holds 224 tokens]\\n.*"), screen);
        assertTrue(screen.contains("\n> Tell me a long story about a lighthouse.\n"), screen);
        assertTrue(screen.matches("(?s).*\\^C[^\\n]* \\[stopped]\\n\\[\\d+ prompt tokens decoded, [1-9]\\d* reused from memory; \\d+"
                + " generated, [\\d.]+ tokens/s; stop: CANCELLED; memory holds \\d+ tokens]\\n> /quit\\n.*"), screen);
        assertTrue(screen.strip().endsWith("[chat ended]") || screen.strip().endsWith("[chat ended with status 0]"), screen);
    }
}
