package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifetime rule (docs/java-api.md, "Lifetimes"), method by method:
 * <ul>
 * <li>a context keeps its model's native memory alive: after {@link LlamaModel#close()} every
 *     method of an open {@link LlamaContext}, of a {@link ChatSession} on it and of an open
 *     {@link Sampler} works; the model itself, its {@link Vocabulary} and new samplers on it
 *     refuse with "LlamaModel ... is closed";
 * <li>a closed context refuses every call with "LlamaContext is closed" (but {@code close},
 *     {@code isClosed}, {@code model} and {@code abort}, which does nothing);
 * <li>a closed sampler refuses every call with "Sampler is closed".
 * </ul>
 */
class LifetimeRulesTest {
    static final ContextOptions SMALL = ContextOptions.builder().contextLength(128).batchSize(32).threads(1).build();
    static final ContextOptions EMBEDDING = ContextOptions.builder().contextLength(128).batchSize(32).threads(1)
            .embeddings(true).pooling(PoolingType.MEAN).build();
    static final GenerationOptions THREE = GenerationOptions.builder().maxTokens(3).build();

    @TempDir
    Path temp;

    interface Call {
        Object on(LlamaContext context) throws Exception;
    }

    /** Every public method of LlamaContext, with arguments that work on an open context. */
    private Map<String, Call> contextCalls(int[] prompt) {
        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put("contextLength", LlamaContext::contextLength);
        calls.put("batchSize", LlamaContext::batchSize);
        calls.put("ubatchSize", LlamaContext::ubatchSize);
        calls.put("sequences", LlamaContext::sequences);
        calls.put("threads", LlamaContext::threads);
        calls.put("batchThreads", LlamaContext::batchThreads);
        calls.put("setThreads", c -> {
            c.setThreads(1, 1);
            return null;
        });
        calls.put("pooling", LlamaContext::pooling);
        calls.put("memory", c -> c.memory().maxPosition(0));
        calls.put("decode", c -> {
            try (Batch batch = new Batch(prompt.length)) {
                c.memory().clear();
                batch.addSequence(prompt, 0, 0, true);
                c.decode(batch);
            }
            return null;
        });
        calls.put("logits", c -> c.logits(prompt.length - 1));
        calls.put("lastLogits", LlamaContext::lastLogits);
        calls.put("saveState", LlamaContext::saveState);
        calls.put("restoreState", c -> {
            c.restoreState(c.saveState());
            return null;
        });
        calls.put("saveState(Path)", c -> {
            c.saveState(temp.resolve("state-" + System.nanoTime()), prompt);
            return null;
        });
        calls.put("loadState", c -> {
            Path file = temp.resolve("load-" + System.nanoTime());
            c.saveState(file, prompt);
            return c.loadState(file);
        });
        calls.put("saveSequenceState", c -> c.saveSequenceState(0));
        calls.put("restoreSequenceState", c -> {
            c.restoreSequenceState(0, c.saveSequenceState(0));
            return null;
        });
        calls.put("saveSequenceState(Path)", c -> {
            c.saveSequenceState(temp.resolve("seq-" + System.nanoTime()), 0, prompt);
            return null;
        });
        calls.put("loadSequenceState", c -> {
            Path file = temp.resolve("seqload-" + System.nanoTime());
            c.saveSequenceState(file, 0, prompt);
            return c.loadSequenceState(file, 0);
        });
        calls.put("performance", LlamaContext::performance);
        calls.put("resetPerformance", c -> {
            c.resetPerformance();
            return null;
        });
        calls.put("complete", c -> c.complete("Hello", THREE));
        calls.put("complete(onText)", c -> c.complete("Hello", THREE, piece -> {}));
        calls.put("stream", c -> {
            try (CompletionStream stream = c.stream("Hello", THREE)) {
                while (stream.hasNext()) {
                    stream.next();
                }
                return stream.completion();
            }
        });
        calls.put("newContext on its model", c -> {
            throw new AssertionError("not a context call");
        });
        calls.remove("newContext on its model");
        return calls;
    }

    /** The embedding methods, on a context created with embeddings and mean pooling. */
    private static Map<String, Call> embeddingCalls(int[] prompt) {
        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put("embed", c -> c.embed("Hello world"));
        calls.put("sequenceEmbeddings", c -> {
            try (Batch batch = new Batch(prompt.length)) {
                c.memory().clear();
                batch.addSequence(prompt, 0, 0, true);
                c.decode(batch);
            }
            return c.sequenceEmbeddings(0);
        });
        return calls;
    }

    /** embeddings(i) needs pooling NONE. */
    private static final ContextOptions TOKEN_EMBEDDING = ContextOptions.builder().contextLength(128).batchSize(32)
            .threads(1).embeddings(true).pooling(PoolingType.NONE).build();

    private static Object tokenEmbedding(LlamaContext c, int[] prompt) {
        try (Batch batch = new Batch(prompt.length)) {
            c.memory().clear();
            batch.addSequence(prompt, 0, 0, true);
            c.decode(batch);
        }
        return c.embeddings(prompt.length - 1);
    }

    @Test
    void aContextWorksForEverythingAfterItsModelIsClosed() throws Exception {
        LlamaModel model = LlamaModel.load(TestModels.tinyLlama());
        int[] prompt = model.vocabulary().tokenize("Hello world once upon a time");
        String expected;
        try (LlamaContext reference = model.newContext(SMALL)) {
            expected = reference.complete("Hello", THREE).text();
        }
        LlamaContext context = model.newContext(SMALL);
        LlamaContext embedding = model.newContext(EMBEDDING);
        LlamaContext tokenEmbedding = model.newContext(TOKEN_EMBEDDING);
        Sampler sampler = Sampler.greedy(model);
        Vocabulary vocabulary = model.vocabulary();
        model.close();
        try {
            List<String> failures = new ArrayList<>();
            for (Map.Entry<String, Call> call : contextCalls(prompt).entrySet()) {
                try {
                    call.getValue().on(context);
                } catch (Exception | AssertionError e) {
                    failures.add(call.getKey() + ": " + e);
                }
            }
            for (Map.Entry<String, Call> call : embeddingCalls(prompt).entrySet()) {
                try {
                    call.getValue().on(embedding);
                } catch (Exception e) {
                    failures.add(call.getKey() + ": " + e);
                }
            }
            try {
                tokenEmbedding(tokenEmbedding, prompt);
            } catch (RuntimeException e) {
                failures.add("embeddings: " + e);
            }
            assertEquals(List.of(), failures);
            // The default sampler and the model's template come through the context.
            assertEquals(expected, context.complete("Hello", THREE).text());
            ChatSession chat = ChatSession.create(context);
            chat.system("Be brief.");
            assertNotEquals(StopReason.CANCELLED, chat.send("Hi", THREE).stopReason());
            assertNotEquals(StopReason.CANCELLED, chat.send("Again", THREE, piece -> {}).stopReason());
            assertEquals(5, chat.history().size()); // system, then two user-assistant turns
            assertFalse(chat.template().isEmpty());
            assertTrue(chat.lastReusedTokens() > 0);
            chat.reset();
            assertEquals(1, chat.history().size()); // the system prompt stays
            assertNotNull(ChatSession.create(context, "chatml"));
            // A sampler made before the close works too.
            context.complete("Hello", GenerationOptions.builder().maxTokens(3).sampler(sampler).build());
            samplerWorks(sampler, context, prompt);
            // The model itself, its vocabulary and new model-level objects refuse.
            String closed = "LlamaModel " + TestModels.tinyLlama().getFileName() + " is closed";
            assertEquals(closed, assertThrows(IllegalStateException.class, model::parameterCount).getMessage());
            assertEquals(closed, assertThrows(IllegalStateException.class, vocabulary::size).getMessage());
            assertEquals(closed, assertThrows(IllegalStateException.class, () -> Sampler.greedy(model)).getMessage());
            assertEquals(closed, assertThrows(IllegalStateException.class, () -> model.newContext(SMALL)).getMessage());
            assertSame(model, context.model());
        } finally {
            sampler.close();
            context.close();
            embedding.close();
            tokenEmbedding.close();
        }
    }

    private static void samplerWorks(Sampler sampler, LlamaContext context, int[] prompt) {
        try (Batch batch = new Batch(prompt.length)) {
            context.memory().clear();
            batch.addSequence(prompt, 0, 0, true);
            context.decode(batch);
        }
        int token = sampler.sample(context);
        assertEquals(token, sampler.sample(context, prompt.length - 1));
        sampler.accept(token);
        sampler.reset();
        assertEquals(Sampler.RANDOM_SEED, sampler.seed());
        assertTrue(sampler.performance().samples() >= 0);
        assertEquals(List.of("greedy"), sampler.stages());
    }

    @Test
    void aClosedContextRefusesEveryCallWithOneMessage() throws Exception {
        try (LlamaModel model = LlamaModel.load(TestModels.tinyLlama())) {
            int[] prompt = model.vocabulary().tokenize("Hello world");
            LlamaContext context = model.newContext(SMALL);
            LlamaContext embedding = model.newContext(EMBEDDING);
            ChatSession chat = ChatSession.create(context);
            chat.send("Hi", THREE);
            try (Sampler sampler = Sampler.greedy(model)) {
                context.close();
                embedding.close();
                List<String> failures = new ArrayList<>();
                Map<String, Call> calls = contextCalls(prompt);
                embeddingCalls(prompt).forEach((name, call) -> calls.put(name, c -> call.on(embedding)));
                calls.put("embeddings", c -> tokenEmbedding(c, prompt));
                calls.put("ChatSession.create", ChatSession::create);
                calls.put("ChatSession.create(template)", c -> ChatSession.create(c, "chatml"));
                calls.put("ChatSession.send", c -> chat.send("Hi", THREE));
                calls.put("ChatSession.send(onText)", c -> chat.send("Hi", THREE, piece -> {}));
                calls.put("Sampler.sample", sampler::sample);
                calls.put("Sampler.sample(index)", c -> sampler.sample(c, 0));
                for (Map.Entry<String, Call> call : calls.entrySet()) {
                    try {
                        call.getValue().on(context);
                        failures.add(call.getKey() + ": no exception");
                    } catch (IllegalStateException e) {
                        if (!e.getMessage().equals("LlamaContext is closed")) {
                            failures.add(call.getKey() + ": " + e.getMessage());
                        }
                    }
                }
                assertEquals(List.of(), failures);
                // What stays: idempotent close, the flags, the model, and abort (a no-op).
                context.close();
                assertTrue(context.isClosed());
                assertSame(model, context.model());
                context.abort();
                // The session's own Java state stays usable.
                assertEquals(2, chat.history().size());
                assertEquals("mistral-v1", chat.template());
                chat.reset();
                assertEquals(0, chat.history().size());
            }
        }
    }

    @Test
    void aClosedSamplerRefusesEveryCallWithOneMessage() {
        try (LlamaModel model = LlamaModel.load(TestModels.tinyLlama()); LlamaContext context = model.newContext(SMALL);
                Batch batch = new Batch(4)) {
            batch.add(1, 0, true);
            context.decode(batch);
            Sampler sampler = Sampler.greedy(model);
            sampler.close();
            sampler.close();
            Map<String, Runnable> calls = new LinkedHashMap<>();
            calls.put("sample", () -> sampler.sample(context));
            calls.put("sample(index)", () -> sampler.sample(context, 0));
            calls.put("accept", () -> sampler.accept(1));
            calls.put("reset", sampler::reset);
            calls.put("seed", sampler::seed);
            calls.put("performance", sampler::performance);
            calls.put("stages", sampler::stages);
            calls.put("as a generation's sampler", () -> context.complete("Hello",
                    GenerationOptions.builder().maxTokens(2).sampler(sampler).build()));
            List<String> failures = new ArrayList<>();
            calls.forEach((name, call) -> {
                try {
                    call.run();
                    failures.add(name + ": no exception");
                } catch (IllegalStateException e) {
                    if (!e.getMessage().equals("Sampler is closed")) {
                        failures.add(name + ": " + e.getMessage());
                    }
                }
            });
            assertEquals(List.of(), failures);
            // The context is unharmed.
            assertNotEquals(StopReason.CANCELLED, context.complete("Hello", THREE).stopReason());
        }
    }

    @Test
    void abortWithNothingRunningDoesNotCancelTheNextCall() {
        try (LlamaModel model = LlamaModel.load(TestModels.tinyLlama()); LlamaContext context = model.newContext(SMALL);
                Batch batch = new Batch(8)) {
            Completion reference = context.complete("Hello", THREE);
            assertNotEquals(StopReason.CANCELLED, reference.stopReason());
            context.abort();
            context.abort();
            batch.add(1, 0, true);
            context.memory().clear();
            context.decode(batch); // not aborted
            context.abort();
            Completion completion = context.complete("Hello", THREE);
            assertEquals(reference.stopReason(), completion.stopReason());
            assertEquals(reference.text(), completion.text());
        }
    }
}
