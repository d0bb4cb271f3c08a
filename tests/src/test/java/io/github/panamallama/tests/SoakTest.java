package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The short soak in CI: 500 context cycles and 300 model load cycles after their warm-ups, in a
 * JVM of their own with a fixed heap (see soak/Soak.java for the limits), and 400 requests to
 * the example server after 300 warm-up ones, hang-ups included (see ServerSoak); RSS may not
 * grow past the limits. scripts/soak.sh runs the long version.
 */
class SoakTest {
    @Test
    void contextAndModelCyclesDoNotGrowTheProcess() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xms64m", "-Xmx64m", "-XX:+AlwaysPreTouch",
                "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-Dpanamallama.home=" + NativeToolchain.home(), "-cp", System.getProperty("java.class.path"),
                "io.github.panamallama.tests.soak.Soak", TestFixtures.tinyMistralQ4().toString(),
                "--context-cycles", "500", "--model-cycles", "300"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), output);
        List<String> figures = output.lines().filter(l -> l.startsWith("context ") || l.startsWith("model ")).toList();
        System.out.println(String.join("\n", figures));
        assertEquals(2, figures.size(), output);
        assertEquals(0, process.exitValue(), String.join("\n", figures));
    }

    @Test
    void serverRequestsWithHangUpsDoNotGrowTheServer() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Dpanamallama.home=" + NativeToolchain.home(), "-cp", System.getProperty("java.class.path"),
                ServerSoak.class.getName(), TestFixtures.tinyMistralQ4().toString(),
                "--server-requests", "400", "--warmup", "300");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), output);
        List<String> figures = output.lines().filter(l -> l.startsWith("server ")).toList();
        System.out.println(String.join("\n", figures));
        assertEquals(1, figures.size(), output);
        assertTrue(figures.getFirst().contains("heap ") && !figures.getFirst().contains("heap not read"), output);
        assertEquals(0, process.exitValue(), output);
    }
}
