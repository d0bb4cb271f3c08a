package io.github.panamallama.tests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load on the example server over loopback, the server's two designs side by side in one run:
 * {@code --engine pool} (a context per slot, the first design) and {@code --engine batched}
 * (slots as sequences of one context, decoded in one batch per step). For 1, 4, 8 and 16
 * concurrent streaming chat clients (as many slots as clients), each sending requests back to
 * back for a fixed time: requests/s, time to first token (the first SSE event carrying content)
 * at the median and 95th percentile, generated tokens/s over all clients, and the server's peak
 * resident memory. Then the time to first token of a second request sharing a ~1,000-token
 * system prompt with the first, with the batched engine's prompt cache on and off.
 *
 * <p>Not a test: run it with {@code scripts/benchmark.sh --server [model.gguf]}.
 * {@code -Dbench.seconds=N} sets each load run's length (default 10), {@code -Dbench.clients=1,4}
 * the client counts, {@code -Dbench.threads=N} the servers' {@code --threads}, {@code -Dbench.serverArgs=--poll,0} more
 * server options for both designs.
 */
public final class ServerLoadBenchmark {
    private static final long SECONDS = Long.getLong("bench.seconds", 10);
    private static final int MAX_TOKENS = 32;
    private static final int[] CLIENTS = java.util.Arrays.stream(System.getProperty("bench.clients", "1,4,8,16").split(","))
            .mapToInt(Integer::parseInt).toArray();
    /** {@code --threads} for both designs (per context: each slot's in the pool, the one shared in batched); unset: their defaults. */
    private static final String THREADS = System.getProperty("bench.threads");
    /** More server options for both designs, comma-separated (e.g. {@code --poll,0}): JAVA_OPTS splits on spaces. */
    private static final List<String> SERVER_ARGS = List.of(System.getProperty("bench.serverArgs", "").split(","))
            .stream().filter(arg -> !arg.isEmpty()).toList();
    private static final List<String> DESIGNS = List.of("pool", "batched");
    private static final Pattern COMPLETION_TOKENS = Pattern.compile("\"completion_tokens\":(\\d+)");
    private static final Pattern PROMPT_TOKENS = Pattern.compile("\"prompt_tokens\":(\\d+)");
    private static final Pattern CACHED_TOKENS = Pattern.compile("\"cached_tokens\":(\\d+)");
    /** The shared system prompt's target length, in tokens. */
    private static final int SYSTEM_PROMPT_TOKENS = 1000;
    private static final int CACHE_ROUNDS = 5;

    private ServerLoadBenchmark() {}

    /** One load run's figures. */
    record Figures(double requestsPerSecond, double ttftMedianMillis, double ttftP95Millis, double tokensPerSecond,
                   long peakRssMib) {}

    public static void main(String[] args) throws Exception {
        Path model = args.length > 0 ? Path.of(args[0]) : TestFixtures.tinyMistralF16();
        System.out.printf("model %s, %d s per run, %d generated tokens per request, %d cores, load: %s%n",
                model.getFileName(), SECONDS, MAX_TOKENS, Runtime.getRuntime().availableProcessors(), loadAverage());
        Map<String, Figures> figures = new LinkedHashMap<>();
        for (int clients : CLIENTS) {
            for (String design : DESIGNS) { // alternating, so that a change in the machine's load hits both
                List<String> options = new ArrayList<>(List.of("--engine", design, "--ctx-size", "1024", "--max-tokens", "1024"));
                if (THREADS != null) {
                    options.addAll(List.of("--threads", THREADS));
                }
                options.addAll(SERVER_ARGS);
                try (ServerProcess server = ServerProcess.start(model, clients, 2 * clients, options)) {
                    figures.put(design + clients, run(server, clients));
                }
            }
        }
        printTable(figures);
        System.out.println();
        secondRequestTtft(model);
        System.out.printf("load at the end: %s%n", loadAverage());
    }

    private static void printTable(Map<String, Figures> figures) {
        System.out.println();
        System.out.println("streaming clients = slots; old = --engine pool (a context per slot), new = --engine batched (one shared context)");
        System.out.printf("%7s | %15s | %19s | %19s | %17s | %15s%n", "clients", "requests/s", "TTFT median ms",
                "TTFT p95 ms", "generated tok/s", "peak RSS MiB");
        System.out.printf("%7s | %7s %7s | %9s %9s | %9s %9s | %8s %8s | %7s %7s%n", "", "old", "new", "old", "new",
                "old", "new", "old", "new", "old", "new");
        for (int clients : CLIENTS) {
            Figures old = figures.get("pool" + clients);
            Figures now = figures.get("batched" + clients);
            System.out.printf("%7d | %7.1f %7.1f | %9.1f %9.1f | %9.1f %9.1f | %8.1f %8.1f | %7d %7d%n", clients,
                    old.requestsPerSecond(), now.requestsPerSecond(), old.ttftMedianMillis(), now.ttftMedianMillis(),
                    old.ttftP95Millis(), now.ttftP95Millis(), old.tokensPerSecond(), now.tokensPerSecond(),
                    old.peakRssMib(), now.peakRssMib());
        }
    }

    private static Figures run(ServerProcess server, int clients) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        request(http, server.baseUrl(), "warm-up", ""); // class loading and compilation, not counted
        long start = System.nanoTime();
        long deadline = start + SECONDS * 1_000_000_000L;
        List<Long> firstTokenMicros = new ArrayList<>();
        long[] generated = new long[1];
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int client = 0; client < clients; client++) {
                int id = client;
                workers.add(pool.submit(() -> {
                    int sequence = 0;
                    while (System.nanoTime() < deadline) {
                        Answer answer = request(http, server.baseUrl(), "client " + id + " request " + sequence++, "");
                        synchronized (firstTokenMicros) {
                            firstTokenMicros.add(answer.ttftMicros());
                            generated[0] += answer.completionTokens();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        firstTokenMicros.sort(null);
        return new Figures(firstTokenMicros.size() / elapsed, percentile(firstTokenMicros, 0.5) / 1000.0,
                percentile(firstTokenMicros, 0.95) / 1000.0, generated[0] / elapsed, peakRssMib(server));
    }

    /**
     * The time to first token of a request whose ~1,000-token system prompt an earlier request
     * already sent (a different question each time), on one slot, with the prompt cache on and off.
     */
    private static void secondRequestTtft(Path model) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Map<String, List<Long>> ttfts = new LinkedHashMap<>();
        int[] promptTokens = new int[1];
        int[] cachedTokens = new int[2];
        String system = null;
        for (String cache : List.of("on", "off")) {
            List<String> options = new ArrayList<>(List.of("--ctx-size", "2048", "--max-tokens", "1024"));
            if (cache.equals("off")) {
                options.add("--no-prompt-cache");
            }
            try (ServerProcess server = ServerProcess.start(model, 1, 2, options)) {
                if (system == null) {
                    system = systemPrompt(http, server.baseUrl());
                }
                request(http, server.baseUrl(), "warm-up", "");
                List<Long> times = new ArrayList<>();
                for (int round = 0; round < CACHE_ROUNDS; round++) {
                    request(http, server.baseUrl(), "first question " + round, system);
                    Answer second = request(http, server.baseUrl(), "second question " + round, system);
                    times.add(second.ttftMicros());
                    promptTokens[0] = second.promptTokens();
                    cachedTokens[cache.equals("on") ? 0 : 1] = second.cachedTokens();
                }
                times.sort(null);
                ttfts.put(cache, times);
            }
        }
        System.out.printf("second request after one with the same ~%d-token system prompt (%d prompt tokens in all; "
                        + "batched engine, 1 slot, median of %d):%n", SYSTEM_PROMPT_TOKENS, promptTokens[0], CACHE_ROUNDS);
        System.out.printf("  prompt cache on:  TTFT %8.1f ms (cached_tokens %d)%n", percentile(ttfts.get("on"), 0.5) / 1000.0,
                cachedTokens[0]);
        System.out.printf("  prompt cache off: TTFT %8.1f ms (cached_tokens %d)%n", percentile(ttfts.get("off"), 0.5) / 1000.0,
                cachedTokens[1]);
    }

    /** A system prompt of about {@link #SYSTEM_PROMPT_TOKENS} tokens, measured with the served model's tokenizer. */
    private static String systemPrompt(HttpClient http, String baseUrl) throws Exception {
        String sentence = "You are a helpful assistant who answers questions about the weather in short sentences. ";
        int tenSentences = request(http, baseUrl, "x", sentence.repeat(10)).promptTokens()
                - request(http, baseUrl, "x", "").promptTokens();
        return sentence.repeat(Math.max(1, SYSTEM_PROMPT_TOKENS * 10 / Math.max(1, tenSentences)));
    }

    /** One request's figures: time to first content, tokens. */
    record Answer(long ttftMicros, int promptTokens, int cachedTokens, int completionTokens) {}

    /** One streaming chat request (end-of-text banned, so each gives {@link #MAX_TOKENS}), read to the end. */
    private static Answer request(HttpClient http, String baseUrl, String text, String system) throws Exception {
        String messages = (system.isEmpty() ? "" : "{\"role\":\"system\",\"content\":\"" + system + "\"},")
                + "{\"role\":\"user\",\"content\":\"" + text + "\"}";
        String body = "{\"model\":\"tiny-mistral\",\"stream\":true,\"max_tokens\":" + MAX_TOKENS
                + ",\"temperature\":0,\"logit_bias\":{\"2\":-100},\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[" + messages + "]}";
        long start = System.nanoTime();
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("status " + response.statusCode() + ": " + new String(response.body().readAllBytes(),
                    StandardCharsets.UTF_8));
        }
        long firstContent = -1;
        int prompt = 0;
        int cached = 0;
        int completion = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (firstContent < 0 && line.startsWith("data: ") && line.contains("\"content\":\"")
                        && !line.contains("\"content\":\"\"")) {
                    firstContent = (System.nanoTime() - start) / 1000;
                }
                Matcher tokens = COMPLETION_TOKENS.matcher(line);
                if (tokens.find()) {
                    completion = Integer.parseInt(tokens.group(1));
                    prompt = group(PROMPT_TOKENS, line);
                    cached = group(CACHED_TOKENS, line);
                }
            }
        }
        return new Answer(firstContent < 0 ? (System.nanoTime() - start) / 1000 : firstContent, prompt, cached, completion);
    }

    private static int group(Pattern pattern, String line) {
        Matcher matcher = pattern.matcher(line);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }

    private static long percentile(List<Long> sorted, double fraction) {
        return sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * fraction)));
    }

    /** The server process's peak resident set (VmHWM), MiB. */
    private static long peakRssMib(ServerProcess server) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(server.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }
}
