package io.github.panamallama.examples.server;

import io.github.panamallama.CacheType;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.FlashAttention;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.ModelOptions;
import io.github.panamallama.examples.Examples;
import io.github.panamallama.examples.ModelOption;
import io.github.panamallama.examples.RpcOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code scripts/example server}: the OpenAI-compatible HTTP server. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"An OpenAI-compatible HTTP server: /v1/models, /v1/completions, /v1/chat/completions "
                + "(stream: true gives server-sent events), /v1/embeddings; /health and /metrics (Prometheus).",
                "Requests run in --parallel slots: sequences of one context sharing one KV cache, decoded together "
                + "(continuous batching), with a prompt cache (--engine pool: a context per slot instead); up to --queue more wait; beyond that "
                + "the server answers 429 at once. A client that hangs up stops its generation. "
                + "One JSON access-log line per request goes to standard output. Ctrl-C shuts down gracefully.",
                "A chat request without max_tokens gets --max-tokens tokens (finish_reason \"length\" when cut); "
                + "a completion, OpenAI's 16."})
public final class ServerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption modelOption;

    @Mixin
    RpcOption rpc;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port (0 picks a free one; default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--parallel", defaultValue = "2", description = "Requests generating at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--queue", defaultValue = "8", description = "Requests that may wait for a slot (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = {"-c", "--ctx-size"}, defaultValue = "4096",
            description = "Context length per slot (default: ${DEFAULT-VALUE}; 32768 is Mistral v0.2's full window).")
    int contextLength;

    @Option(names = "--ctx-total", paramLabel = "N",
            description = "The shared cache's length for all slots together (default: --ctx-size x --parallel). "
                    + "Smaller, the slots share less memory: each request may still use --ctx-size tokens, and when "
                    + "the running ones fill the cache, the one holding most ends with finish_reason \"length\". "
                    + "Batched engine only.")
    Integer totalContextLength;

    /** How slots are made; lower case, as typed. */
    enum EngineKind { batched, pool }

    @Option(names = "--engine", defaultValue = "batched",
            description = "batched: the slots are sequences of one context, sharing one KV cache, every step decoding "
                    + "all of them in one batch; pool: a context (and KV cache) per slot, the earlier design, kept "
                    + "to compare with (default: ${DEFAULT-VALUE}).")
    EngineKind engine;

    @Option(names = "--no-prompt-cache",
            description = "Batched engine: do not keep finished requests' prompts for later requests that start the same way.")
    boolean noPromptCache;

    @Option(names = {"-fa", "--flash-attn"}, paramLabel = "on|off|auto", defaultValue = "auto",
            description = "Flash attention (default: ${DEFAULT-VALUE}: where the backend supports it).")
    String flashAttention;

    @Option(names = {"-ctk", "--cache-type-k"}, paramLabel = "TYPE",
            description = "The KV cache's type for keys: ${COMPLETION-CANDIDATES} (default: the API's, f16). "
                    + "q8_0 halves the cache (Mistral 7B at 32K: 2,176 MiB with both, against 4,096).")
    CacheType cacheTypeK;

    @Option(names = {"-ctv", "--cache-type-v"}, paramLabel = "TYPE",
            description = "The KV cache's type for values, as --cache-type-k; a quantized one needs flash attention.")
    CacheType cacheTypeV;

    @Option(names = {"-t", "--threads"},
            description = "Compute threads (default: all physical cores but one for the batched engine's one context, at least 1; "
                    + "the cores divided among the --parallel slots for --engine pool).")
    Integer threads;

    @Option(names = "--poll", paramLabel = "0-100",
            description = "How long idle compute threads spin before they sleep, ggml's polling level (default: the API's, "
                    + ContextOptions.DEFAULT_THREAD_POLLING + ").")
    Integer poll;

    @Option(names = "--model-id", description = "The model name clients must send (default: the file name).")
    String modelId;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "" + GenerationOptions.DEFAULT_MAX_TOKENS,
            description = "The most tokens one request generates: a larger max_tokens is lowered to it, "
                    + "a chat request without one gets it (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--request-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "The longest one request may take, waiting for a slot included; a generation still "
                    + "running then ends with finish_reason \"length\" (default: ${DEFAULT-VALUE}).")
    int requestTimeoutSeconds;

    @Option(names = "--read-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "The longest a client may take to send a whole request, and to keep an idle "
                    + "connection open (default: ${DEFAULT-VALUE}).")
    int readTimeoutSeconds;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "1024",
            description = "Open connections beyond which new ones are closed at once (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:PANAMA_LLAMA_API_KEY}",
            description = "Require 'Authorization: Bearer KEY' on every request but GET /health "
                    + "(default: the PANAMA_LLAMA_API_KEY environment variable; unset = no key).")
    String apiKey;

    @Option(names = "--shutdown-grace", paramLabel = "SECONDS", defaultValue = "30",
            description = "On Ctrl-C or SIGTERM, how long running requests may finish before they are ended "
                    + "(default: ${DEFAULT-VALUE}).")
    int shutdownGraceSeconds;

    /** The options as settings, checked before the model loads. */
    private ServerSettings settings() {
        if (poll != null && (poll < 0 || poll > ContextOptions.MAX_THREAD_POLLING)) {
            throw new ParameterException(spec.commandLine(), "--poll must be 0-" + ContextOptions.MAX_THREAD_POLLING + ", got " + poll);
        }
        try {
            return new ServerSettings(host, port, parallel, queue, maxTokens,
                    Duration.ofSeconds(requestTimeoutSeconds), Duration.ofSeconds(readTimeoutSeconds), maxConnections,
                    Optional.ofNullable(apiKey).filter(key -> !key.isEmpty()), Duration.ofSeconds(shutdownGraceSeconds));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private FlashAttention flashAttention() {
        return switch (flashAttention.toLowerCase(java.util.Locale.ROOT)) {
            case "on" -> FlashAttention.ENABLED;
            case "off" -> FlashAttention.DISABLED;
            case "auto" -> FlashAttention.AUTO;
            default -> throw new ParameterException(spec.commandLine(),
                    "--flash-attn takes on, off or auto, got '" + flashAttention + "'");
        };
    }

    /** The batched engine's shared context: as llama.cpp's server, one slot's length times the slots unless given. */
    private int totalContextLength() {
        if (contextLength < 1) {
            throw new ParameterException(spec.commandLine(), "--ctx-size must be >= 1, got " + contextLength);
        }
        if (totalContextLength == null) {
            long total = (long) contextLength * parallel;
            if (total > Integer.MAX_VALUE) {
                throw new ParameterException(spec.commandLine(), "--ctx-size x --parallel is " + total + " tokens, too many");
            }
            return (int) total;
        }
        if (engine == EngineKind.pool) {
            throw new ParameterException(spec.commandLine(), "--ctx-total is for --engine batched; the pool's contexts take --ctx-size each");
        }
        if (totalContextLength < parallel) {
            throw new ParameterException(spec.commandLine(), "--ctx-total must be at least --parallel (" + parallel
                    + "), got " + totalContextLength);
        }
        return totalContextLength;
    }

    private GenerationSlots slots(LlamaModel model, FlashAttention flash, int total) {
        if (engine == EngineKind.pool) {
            return new PooledSlots(model, parallel, withCommonOptions(ContextOptions.builder().contextLength(contextLength)
                    .threads(computeThreads()).flashAttention(flash)).build());
        }
        ContextOptions.Builder options = withCommonOptions(ContextOptions.builder().flashAttention(flash)).threads(computeThreads());
        return new BatchedSlots(model, parallel, options, contextLength, total, !noPromptCache);
    }

    /** Compute threads per context: {@code --threads}, else the engine's default. */
    private int computeThreads() {
        if (threads != null) {
            return threads;
        }
        int cores = ContextOptions.defaultThreads();
        if (engine == EngineKind.pool) {
            // Slots decode at the same time; ggml's threads spin while they wait for each other, so
            // more threads than cores in total makes every slot crawl (measured: 4 clients on 2
            // cores fell from ~12 to 0.5 requests/s with llama.cpp's default threads per slot).
            return Math.max(1, cores / parallel);
        }
        // ggml's workers meet at spin barriers many times per token: a graph runs only as fast as
        // its most delayed thread. The server's own event loops wake for every streamed token, and
        // each wake-up that lands on a compute thread's core stalls the whole group. One core left
        // to them keeps that from happening (measured on 2 cores: 1 compute thread gave 41, 70 and
        // 83 requests/s at 1, 4 and 16 clients where 2 gave 34, 50 and 71; with another process
        // busy, 34 and 55 against 19 and 29).
        return Math.max(1, cores - 1);
    }

    /** The options every slot's context shares: polling and cache types where given, else the API's defaults. */
    private ContextOptions.Builder withCommonOptions(ContextOptions.Builder options) {
        if (cacheTypeK != null) {
            options.cacheTypeK(cacheTypeK);
        }
        if (cacheTypeV != null) {
            options.cacheTypeV(cacheTypeV);
        }
        return poll == null ? options : options.threadPolling(poll);
    }

    /** The server on its own, without the examples' command tree: the server jar's Main-Class. */
    public static void main(String[] args) {
        System.exit(Examples.commandLine(new ServerCommand()).setCommandName("panama-llama-server").execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ServerSettings settings = settings();
        FlashAttention flash = flashAttention();
        int total = totalContextLength();
        Path path = modelOption.resolve();
        LlamaModel model = LlamaModel.load(path,
                rpc.apply(ModelOptions.builder().progressListener(ModelOption.loadProgress())).build());
        String id = modelId != null ? modelId : path.getFileName().toString().replaceFirst("\\.gguf$", "");
        GenerationSlots slots;
        try {
            slots = slots(model, flash, total);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        OpenAiServer server = OpenAiServer.start(new LlamaEngine(model, id, slots), settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("shutting down: refusing new requests, finishing running ones");
            server.close();
            System.out.println("stopped");
            System.out.flush();
            stopped.countDown();
        }, "server-shutdown"));
        int compute = computeThreads();
        System.out.printf("serving %s on http://%s:%d/v1 (%d slots of %d tokens, %s, %d compute thread%s%s, queue %d%s)%n",
                id, host, server.port(), parallel, slots.contextLength(), engine == EngineKind.pool ? "a context each"
                        : "one shared context of " + total + " tokens" + (noPromptCache ? "" : ", prompt cache"),
                compute, compute == 1 ? "" : "s", engine == EngineKind.pool ? " each" : "",
                queue, settings.apiKey().isPresent() ? ", API key required" : "");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
