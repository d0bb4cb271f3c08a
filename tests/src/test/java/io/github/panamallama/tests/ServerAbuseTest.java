package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cheap rejection: oversized bodies are refused before any expensive work, and slow clients
 * cost neither threads nor other clients' service.
 */
class ServerAbuseTest {
    private static final ObjectMapper json = new ObjectMapper();
    private static final int EIGHT_MB = 8 << 20;
    @RegisterExtension
    static final ServerFixture server = ServerFixture.tinyMistral(1, 4)
            .options("--ctx-size", "1024", "--max-tokens", "64", "--read-timeout", "6");

    @BeforeAll
    static void warmUp() {
        // The timings below are for a server (and a client) that has answered a request: the
        // very first one of a fresh JVM also pays class loading and compilation.
        long started = System.nanoTime();
        server.client().completions().create(CompletionCreateParams.builder().model("tiny-mistral").prompt("Hello").maxTokens(2).build());
        System.out.printf("the first request of a fresh server took %d ms%n", (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * An 8 MB body whose prompt could never fit, sent as a client sends it (headers, then the
     * body): a generation request is refused from its Content-Length alone (413, nothing read);
     * an embedding request, whose inputs may add up to more, from the size of its text in the raw
     * JSON (400, nothing tokenized). Either way within 200 ms of its first byte.
     */
    @Test
    void anEightMegabyteBodyIsRefusedWithin200Milliseconds() throws Exception {
        // Untimed, one first refusal of a 1 MB body (under the length bound for this context, so
        // measured in the raw JSON): the timed ones below then measure the server as it runs
        // after its first requests, not the JVM loading and compiling its code.
        long coldStart = System.nanoTime();
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.post("/v1/completions", "{\"model\":\"tiny-mistral\",\"prompt\":\"" + filler(1 << 20) + "\"}");
            String answer = raw.readUntil("}}");
            assertTrue(answer.startsWith("HTTP/1.1 400") && answer.contains("bytes can fit in"), answer);
        }
        System.out.printf("the first refusal of a 1 MB prompt (read, measured, not tokenized) took %d ms%n",
                (System.nanoTime() - coldStart) / 1_000_000);
        for (String path : List.of("/v1/completions", "/v1/chat/completions", "/v1/embeddings")) {
            String body = switch (path) {
                case "/v1/completions" -> "{\"model\":\"tiny-mistral\",\"stream\":true,\"prompt\":\"" + filler(EIGHT_MB - 100) + "\"}";
                case "/v1/chat/completions" -> "{\"model\":\"tiny-mistral\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + filler(EIGHT_MB - 100) + "\"}]}";
                default -> "{\"model\":\"tiny-mistral\",\"input\":\"" + filler(EIGHT_MB - 100) + "\"}";
            };
            assertTrue(body.length() <= EIGHT_MB, "within the server-wide body limit: " + body.length());
            try (RawHttp raw = new RawHttp(server.port())) {
                long started = System.nanoTime();
                Thread sender = Thread.ofPlatform().daemon().start(() -> {
                    try {
                        raw.post(path, body);
                    } catch (IOException e) {
                        // the server refused and closed before taking the whole body: as intended
                    }
                });
                String answer = raw.readUntil("}}");
                long millis = (System.nanoTime() - started) / 1_000_000;
                sender.join(10_000);
                System.out.printf("%s: an 8 MB body was refused %d ms after its first byte was sent: %s%n", path, millis,
                        answer.lines().findFirst().orElse(""));
                if (path.equals("/v1/embeddings")) {
                    assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
                    assertTrue(answer.contains("bytes can fit in"), answer);
                } else {
                    assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
                    assertTrue(answer.contains("could not fit in the context of 1024 tokens"), answer);
                }
                assertTrue(millis < 200, path + ": refused after " + millis + " ms");
            }
        }
    }

    @Test
    void aBodyOverEightMegabytesIsRefusedFromItsLength() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            long started = System.nanoTime();
            // Only the headers: the server must not wait for (or read) the body it will refuse.
            raw.write(("POST /v1/embeddings HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (EIGHT_MB + 1) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = raw.readUntil("}}");
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            assertTrue(answer.contains("\"code\":\"request_too_large\""), answer);
            System.out.printf("a body over 8 MB was refused %d ms after its headers were sent%n", millis);
            assertTrue(millis < 200, "refused after " + millis + " ms");
            assertTrue(raw.closedByServer(2_000), "the connection is closed, the body never read");
        }
    }

    /**
     * 200 slow-loris connections, each trickling header lines and never finishing its request:
     * other clients are served as usual, the server's thread count does not grow with them, and
     * the read timeout closes them all.
     */
    @Test
    void slowConnectionsCostNoThreadsAndDelayNoOne() throws Exception {
        List<RawHttp> slow = new ArrayList<>();
        long before = server.process().threads();
        try {
            for (int i = 0; i < 200; i++) {
                RawHttp connection = new RawHttp(server.port());
                connection.write("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
                slow.add(connection);
            }
            long most = before;
            long slowestAnswer = 0;
            for (int round = 0; round < 4; round++) {
                for (RawHttp connection : slow) {
                    trickle(connection);
                }
                long started = System.nanoTime();
                Completion answer = server.client().completions().create(CompletionCreateParams.builder().model("tiny-mistral")
                        .prompt("Hello").maxTokens(4).temperature(0.0).build());
                slowestAnswer = Math.max(slowestAnswer, System.nanoTime() - started);
                assertEquals(4, answer.usage().orElseThrow().completionTokens());
                most = Math.max(most, server.process().threads());
                Thread.sleep(500);
            }
            System.out.printf("200 slow connections: server threads %d before, at most %d during; slowest other answer %d ms%n",
                    before, most, slowestAnswer / 1_000_000);
            // A thread per connection would add 200; the event loops and a worker per admitted
            // request (1 slot + 4 queued) bound it.
            assertTrue(most <= before + 8, "threads grew from " + before + " to " + most);
            // Held up by the slow connections, it would wait at least for their 6 s read timeout.
            assertTrue(slowestAnswer < 4_000_000_000L, "another client waited " + slowestAnswer / 1_000_000 + " ms");
            int closed = 0;
            for (RawHttp connection : slow) {
                if (connection.closedByServer(8_000)) {
                    closed++;
                }
            }
            assertEquals(200, closed, "the read timeout (6 s) closes every connection that never finished its request");
        } finally {
            for (RawHttp connection : slow) {
                connection.close();
            }
        }
    }

    private static void trickle(RawHttp connection) {
        try {
            connection.write("X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // already closed by the server: fine
        }
    }

    /** Plain words, as a pasted document would be. */
    private static String filler(int length) {
        StringBuilder text = new StringBuilder(length);
        while (text.length() < length) {
            text.append("the quick brown fox jumps over the lazy dog ");
        }
        text.setLength(length);
        return text.toString();
    }
}
