package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server's slots as sequences of one context (its default engine), over loopback with the
 * official OpenAI Java SDK: requests decoded together give exactly what each gives alone, and a
 * request sharing a long prefix with an earlier one reports cached tokens and answers the same
 * as without the cache.
 *
 * <p>On the F32 fixture with an F32 KV cache and flash attention off. A sequence's cells lie
 * elsewhere in a shared cache than in a cache of its own, so ggml's vector sums over them group
 * differently; in F32 that stays in the last bit, but an F16 cache rounds attention weights to
 * F16 as well and seeded sampling then flips where a draw lands near a boundary (measured: 19 of
 * 200 requests diverged with the default F16 cache, 0 of 200 with F32; docs/java-api.md).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ServerBatchingTest {
    private static final int SLOTS = 4;
    private static final List<String> PROMPTS = List.of(
            "The quick brown fox",
            "Once upon a time there was a",
            "Hello",
            "In the beginning the world was without form and void, and");
    /** A shared prefix of some hundreds of tokens, as a system prompt would be. */
    private static final String SYSTEM = "You are a careful assistant. Answer briefly and truthfully. ".repeat(25);

    /** Four slots in one shared context, with the prompt cache. */
    @RegisterExtension
    static final ServerFixture batched = ServerFixture.tinyMistral(SLOTS, 8).model("tiny-mistral-f32.gguf")
            .options("--ctx-size", "1024", "--max-tokens", "1024", "--flash-attn", "off", "-ctk", "f32", "-ctv", "f32");
    /** The reference: one slot, nothing cached, so every request is decoded alone and whole. */
    @RegisterExtension
    static final ServerFixture alone = ServerFixture.tinyMistral(1, 8).model("tiny-mistral-f32.gguf")
            .options("--ctx-size", "1024", "--max-tokens", "1024", "--flash-attn", "off", "-ctk", "f32", "-ctv", "f32",
                    "--no-prompt-cache");

    private static CompletionCreateParams completion(String prompt, Long seed) {
        CompletionCreateParams.Builder params = CompletionCreateParams.builder().model("tiny-mistral").prompt(prompt)
                .maxTokens(40);
        if (seed == null) {
            params.temperature(0.0);
        } else {
            params.temperature(1.0).seed(seed);
        }
        return params.build();
    }

    @Test
    void concurrentGreedyRequestsEachGiveWhatTheyGiveAlone() throws Exception {
        assertConcurrentEqualsAlone(null);
    }

    @Test
    void concurrentSeededRequestsEachGiveWhatTheyGiveAlone() throws Exception {
        assertConcurrentEqualsAlone(1234L);
    }

    private void assertConcurrentEqualsAlone(Long seed) throws Exception {
        List<String> expected = new ArrayList<>();
        for (String prompt : PROMPTS) {
            expected.add(alone.client().completions().create(completion(prompt, seed)).choices().getFirst().text());
        }
        // Twice the slots, all sent at once: the sequences are busy together, and reused.
        List<String> prompts = new ArrayList<>(PROMPTS);
        prompts.addAll(PROMPTS);
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(prompts.size())) {
            List<Future<String>> answers = new ArrayList<>();
            for (String prompt : prompts) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return batched.client().completions().create(completion(prompt, seed)).choices().getFirst().text();
                }));
            }
            go.countDown();
            for (int i = 0; i < prompts.size(); i++) {
                assertEquals(expected.get(i % PROMPTS.size()), answers.get(i).get(), "request " + i + ": " + prompts.get(i));
            }
        }
        assertTrue(expected.stream().anyMatch(text -> !text.isEmpty()), "the model generated something");
    }

    private static ChatCompletionCreateParams chat(String question) {
        return ChatCompletionCreateParams.builder().model("tiny-mistral")
                .addSystemMessage(SYSTEM).addUserMessage(question).maxCompletionTokens(24).temperature(0.0).build();
    }

    private static long cached(CompletionUsage usage) {
        return usage.promptTokensDetails().orElseThrow().cachedTokens().orElseThrow();
    }

    @Test
    void aSharedPrefixIsReusedAndTheAnswerIsTheSame() {
        batched.client().chat().completions().create(chat("What is the capital of France?"));
        ChatCompletionCreateParams second = chat("How far away is the moon?");
        ChatCompletion reused = batched.client().chat().completions().create(second);
        ChatCompletion fresh = alone.client().chat().completions().create(second);

        CompletionUsage usage = reused.usage().orElseThrow();
        assertTrue(cached(usage) > 300 && cached(usage) < usage.promptTokens(),
                "most of the prompt came from the cache: " + usage);
        assertEquals(0, cached(fresh.usage().orElseThrow()), "no cache, nothing cached");
        assertEquals(fresh.usage().orElseThrow().promptTokens(), usage.promptTokens());
        assertEquals(fresh.choices().getFirst().message().content(), reused.choices().getFirst().message().content());
        assertEquals(fresh.usage().orElseThrow().completionTokens(), usage.completionTokens());
    }

    @Test
    void streamedUsageReportsCachedTokens() {
        ChatCompletionCreateParams params = chat("Name three colours.").toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        batched.client().chat().completions().create(chat("Name three colours."));
        List<CompletionUsage> usages = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = batched.client().chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                chunk.usage().ifPresent(usages::add);
                chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append));
            });
        }
        assertEquals(1, usages.size(), "one usage chunk");
        CompletionUsage usage = usages.getFirst();
        // The same prompt again: all of it but the last token (decoded again for its logits) is cached.
        assertTrue(cached(usage) >= usage.promptTokens() - 1 && cached(usage) > 0, "cached tokens: " + usage);
        assertEquals(alone.client().chat().completions().create(chat("Name three colours.")).choices().getFirst().message()
                .content().orElse(""), text.toString());
    }

    /**
     * With {@code --ctx-total} below {@code --ctx-size} x {@code --parallel}, two requests that
     * each fit a slot but not both the cache: one is ended ({@code length}, fewer tokens than
     * asked), the other runs to its {@code max_tokens}. Both answer 200.
     */
    @Test
    void aSmallerSharedCacheEndsTheLargestRequestWhenFull() throws Exception {
        Path model = TestFixtures.directory().resolve("tiny-mistral-f32.gguf");
        try (ServerProcess small = ServerProcess.start(model, 2, 2,
                List.of("--ctx-size", "512", "--ctx-total", "512", "--max-tokens", "512", "--flash-attn", "off"))) {
            HttpClient http = HttpClient.newHttpClient();
            ObjectMapper json = new ObjectMapper();
            String body = "{\"model\":\"tiny-mistral\",\"prompt\":\"Once upon a time\",\"max_tokens\":440,"
                    + "\"temperature\":0,\"logit_bias\":{\"2\":-100}}";
            CountDownLatch go = new CountDownLatch(1);
            List<JsonNode> usages = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        return http.send(HttpRequest.newBuilder(URI.create(small.baseUrl() + "/completions"))
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    }));
                }
                go.countDown();
                for (Future<HttpResponse<String>> answer : answers) {
                    HttpResponse<String> response = answer.get();
                    assertEquals(200, response.statusCode(), response.body());
                    JsonNode tree = json.readTree(response.body());
                    assertEquals("length", tree.at("/choices/0/finish_reason").asText(), response.body());
                    usages.add(tree.at("/usage/completion_tokens"));
                }
            }
            List<Integer> generated = usages.stream().map(JsonNode::asInt).sorted().toList();
            assertTrue(generated.get(0) < 440, "one request was ended early: " + generated);
            assertEquals(440, generated.get(1), "the other ran to max_tokens: " + generated);
        }
    }

    @Test
    void completionsReportCachedTokensToo() {
        String prompt = SYSTEM + "Question: what is two and two?";
        batched.client().completions().create(completion(prompt, null));
        Completion again = batched.client().completions().create(completion(prompt.replace("two and two", "three and four"), null));
        CompletionUsage usage = again.usage().orElseThrow();
        assertTrue(cached(usage) > 300, "cached tokens: " + usage);
        assertFalse(again.choices().isEmpty());
    }
}
