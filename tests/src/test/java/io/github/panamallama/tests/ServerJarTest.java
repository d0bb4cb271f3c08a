package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server jar as a user runs it: {@code java -jar panama-llama-server-VERSION.jar --model m.gguf}
 * in a directory of its own, with no panamallama.* property and no PANAMA_LLAMA_* variable, so
 * llama.cpp can only come from the natives inside the jar.
 */
class ServerJarTest {
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper json = new ObjectMapper();

    @Test
    void servesModelsAndAChatCompletionFromAnyDirectory(@TempDir Path directory) throws Exception {
        assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"),
                "the server jar carries the linux-x86_64 natives and is built on Linux x86-64 only");
        Path built = Path.of(System.getProperty("panamallama.server.jar"));
        assertTrue(Files.isRegularFile(built), "the server module did not build " + built);
        Path jar = Files.copy(built, directory.resolve(built.getFileName()));
        Path model = TestFixtures.tinyMistralF16();

        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder command = new ProcessBuilder(java, "-jar", jar.getFileName().toString(),
                "--model", model.toString(), "--port", "0").directory(directory.toFile());
        scrub(command.environment());

        long started = System.nanoTime();
        try (ServerProcess server = ServerProcess.start(command)) {
            HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models")).build(),
                    HttpResponse.BodyHandlers.ofString());
            long firstAnswer = System.nanoTime() - started;
            assertEquals(200, models.statusCode(), models.body());
            assertEquals("tiny-mistral-f16", json.readTree(models.body()).at("/data/0/id").asText(), models.body());

            String request = """
                    {"model": "tiny-mistral-f16", "max_tokens": 8,
                     "messages": [{"role": "user", "content": "Say hello."}]}""";
            HttpResponse<String> chat = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(request)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long chatAnswer = System.nanoTime() - started;
            assertEquals(200, chat.statusCode(), chat.body());
            JsonNode completion = json.readTree(chat.body());
            assertEquals("assistant", completion.at("/choices/0/message/role").asText(), chat.body());
            int tokens = completion.at("/usage/completion_tokens").asInt();
            assertTrue(tokens >= 1 && tokens <= 8, "completion tokens " + tokens + ": " + chat.body());

            System.out.printf("server jar (%d MB): GET /v1/models answered %d ms after java -jar, the chat completion %d ms%n",
                    Files.size(jar) >> 20, firstAnswer / 1_000_000, chatAnswer / 1_000_000);
            // SIGTERM ends a JVM with 128 + 15 once its shutdown hooks (the graceful stop) have run.
            assertEquals(143, server.stop(), server.output());
            // The jar's manifest grants native access: the JVM has nothing to warn about.
            assertTrue(server.output().lines().noneMatch(ServerJarTest::isNativeAccessWarning), server.output());
        }
    }

    /** The JVM's warning when code without native access calls a restricted method (JDK 22+). */
    static boolean isNativeAccessWarning(String line) {
        String lower = line.toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith("warning:") && (lower.contains("restricted method") || lower.contains("native access"));
    }

    /** Whatever could point the loader at a library other than the jar's own. */
    private static void scrub(Map<String, String> environment) {
        environment.keySet().removeIf(name -> name.startsWith("PANAMA_LLAMA_"));
        environment.keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
    }
}
