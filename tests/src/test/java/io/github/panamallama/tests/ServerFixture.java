package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The example server as a test class's fixture: started once before the class's tests (and
 * before its own {@code @BeforeAll} methods, which may warm it up), stopped after them with
 * SIGTERM, which must end it gracefully (exit code 143, "stopped" printed). A class says only
 * which server it needs:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ServerFixture server = ServerFixture.tinyMistral(1, 4).options("--ctx-size", "1024", "--read-timeout", "6");
 * }</pre>
 *
 * <p>{@link #client()} is the official OpenAI Java SDK's client for it, without retries.
 */
final class ServerFixture implements BeforeAllCallback, AfterAllCallback {
    /** The options every fixture but {@link #withDefaults} starts with, unless it sets its own. */
    private static final List<String> SMALL_CONTEXT = List.of("--ctx-size", "1024", "--max-tokens", "1024");

    private final Supplier<Path> model;
    private final int slots;
    private final int queue;
    private final List<String> options;
    private final String apiKey;
    private final boolean defaults;
    private ServerProcess process;
    private SdkClient client;

    private ServerFixture(Supplier<Path> model, int slots, int queue, List<String> options, String apiKey, boolean defaults) {
        this.model = model;
        this.slots = slots;
        this.queue = queue;
        this.options = List.copyOf(options);
        this.apiKey = Objects.requireNonNull(apiKey);
        this.defaults = defaults;
    }

    /**
     * The F16 tiny-Mistral fixture with {@code slots} slots, {@code queue} places in the queue,
     * model id "tiny-mistral", a 1024-token context and a token cap as large (until
     * {@link #options} says otherwise).
     */
    static ServerFixture tinyMistral(int slots, int queue) {
        return new ServerFixture(TestFixtures::tinyMistralF16, slots, queue, SMALL_CONTEXT, "unused", false);
    }

    /** As {@link #tinyMistral}, on another model (give {@code --model-id} in {@link #options} to name it). */
    static ServerFixture of(Supplier<Path> model, int slots, int queue) {
        return new ServerFixture(model, slots, queue, SMALL_CONTEXT, "unused", false);
    }

    /** As the README starts it: the F16 fixture and a free port, every other option at its default. */
    static ServerFixture withDefaults() {
        return new ServerFixture(TestFixtures::tinyMistralF16, 0, 0, List.of(), "unused", true);
    }

    /** Another model of the fixture directory, e.g. {@code tiny-mistral-f32.gguf}. */
    ServerFixture model(String fileName) {
        return new ServerFixture(() -> TestFixtures.directory().resolve(fileName), slots, queue, options, apiKey, defaults);
    }

    /** These command-line options instead of the small-context ones: give {@code --ctx-size} too. */
    ServerFixture options(String... options) {
        return new ServerFixture(model, slots, queue, List.of(options), apiKey, defaults);
    }

    /** Starts the server with {@code --api-key key}; the client sends it. */
    ServerFixture apiKey(String key) {
        List<String> withKey = new ArrayList<>(options);
        withKey.addAll(List.of("--api-key", key));
        return new ServerFixture(model, slots, queue, withKey, key, defaults);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        process = defaults ? ServerProcess.startWithDefaults(model.get()) : ServerProcess.start(model.get(), slots, queue, options);
        client = SdkClient.of(process, apiKey);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (client != null) {
            client.close();
        }
        if (process != null) {
            int exitCode = process.stop();
            // SIGTERM ends a JVM with 128 + 15 once its shutdown hooks have run.
            assertEquals(143, exitCode, process.output());
            assertTrue(process.output().contains("stopped"), "graceful shutdown finished:\n" + process.output());
        }
    }

    /** The running server. */
    ServerProcess process() {
        if (process == null) {
            throw new IllegalStateException("the server starts before the test class's tests; register the fixture with @RegisterExtension");
        }
        return process;
    }

    /** The OpenAI SDK's client for it, with the fixture's API key; closed with the server. */
    OpenAIClient client() {
        process();
        return client.api();
    }

    String baseUrl() {
        return process().baseUrl();
    }

    int port() {
        return process().port();
    }

    String output() {
        return process().output();
    }
}
