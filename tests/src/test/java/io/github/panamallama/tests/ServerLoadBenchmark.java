package io.github.panamallama.tests;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Load on the example server over loopback: C concurrent streaming chat clients, each sending
 * requests back to back for a fixed time; prints requests/s and time to first token (the first
 * SSE event carrying content) at the median and 95th percentile. Not a test: run it with
 * {@code scripts/benchmark.sh --server [model.gguf]}.
 */
public final class ServerLoadBenchmark {
    private static final long SECONDS = 20;
    private static final int MAX_TOKENS = 32;

    private ServerLoadBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path model = args.length > 0 ? Path.of(args[0]) : TestFixtures.tinyMistralF16();
        for (int clients : new int[] {1, 4}) {
            try (ServerProcess server = ServerProcess.start(model, Math.min(clients, 2), 8)) {
                run(server.baseUrl(), clients);
            }
        }
    }

    private static void run(String baseUrl, int clients) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
        List<Long> firstTokenMicros = new ArrayList<>();
        int[] completed = new int[1];
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int client = 0; client < clients; client++) {
                int id = client;
                workers.add(pool.submit(() -> {
                    int sequence = 0;
                    while (System.nanoTime() < deadline) {
                        long ttft = request(http, baseUrl, "client " + id + " request " + sequence++);
                        synchronized (firstTokenMicros) {
                            firstTokenMicros.add(ttft);
                            completed[0]++;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        }
        long elapsedSeconds = SECONDS;
        firstTokenMicros.sort(null);
        System.out.printf("%d streaming client(s): %d requests in ~%d s = %.1f req/s; time to first token median %.1f ms, p95 %.1f ms (%d tokens/request)%n",
                clients, completed[0], elapsedSeconds, completed[0] / (double) elapsedSeconds,
                firstTokenMicros.get(firstTokenMicros.size() / 2) / 1000.0,
                firstTokenMicros.get((int) (firstTokenMicros.size() * 0.95)) / 1000.0, MAX_TOKENS);
    }

    /** One streaming chat request, read to the end; returns microseconds to the first content event. */
    private static long request(HttpClient http, String baseUrl, String text) throws Exception {
        String body = "{\"model\":\"tiny-mistral\",\"stream\":true,\"max_tokens\":" + MAX_TOKENS
                + ",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
        long start = System.nanoTime();
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("status " + response.statusCode());
        }
        long firstContent = -1;
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(response.body()))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (firstContent < 0 && line.startsWith("data: ") && line.contains("\"content\":\"") && !line.contains("\"content\":\"\"")) {
                    firstContent = (System.nanoTime() - start) / 1000;
                }
            }
        }
        return firstContent < 0 ? (System.nanoTime() - start) / 1000 : firstContent;
    }
}
