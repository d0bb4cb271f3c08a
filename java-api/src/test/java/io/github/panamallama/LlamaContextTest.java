package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import io.github.panamallama.fixture.TinyLlamaGguf;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Real decodes on the tiny llama model (deterministic weights, one thread: exact repeats). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LlamaContextTest {
    static final ContextOptions SMALL = ContextOptions.builder().contextLength(256).batchSize(64).threads(1).build();

    private LlamaModel model;
    private int[] prompt;

    @TempDir
    Path temp;

    @BeforeAll
    void load() {
        model = LlamaModel.load(TestModels.tinyLlama());
        prompt = model.vocabulary().tokenize("Hello world once upon a time");
    }

    @AfterAll
    void close() {
        model.close();
    }

    private float[] decodePrompt(LlamaContext context, Batch batch) {
        batch.clear();
        batch.addSequence(prompt, 0, 0, true);
        context.decode(batch);
        return context.logits(prompt.length - 1);
    }

    @Test
    void actualSizesAreReported() {
        try (LlamaContext context = model.newContext(SMALL)) {
            assertEquals(256, context.contextLength());
            assertEquals(64, context.batchSize());
            assertEquals(1, context.sequences());
            assertEquals(1, context.threads());
            assertSame(model, context.model());
        }
    }

    @Test
    void defaultThreadsAreOnePerPhysicalCore() {
        try (LlamaContext context = model.newContext(ContextOptions.builder().contextLength(256).build())) {
            assertEquals(ContextOptions.defaultThreads(), context.threads());
            assertEquals(ContextOptions.defaultThreads(), context.batchThreads());
            assertTrue(context.threads() >= 1 && context.threads() <= Runtime.getRuntime().availableProcessors());
        }
    }

    /** Native threads of this process (Linux), Java and ggml workers alike. */
    private static long processThreads() throws java.io.IOException {
        try (var tasks = java.nio.file.Files.list(Path.of("/proc/self/task"))) {
            return tasks.count();
        }
    }

    @Test
    void workerThreadsLiveAsLongAsTheContext() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(Path.of("/proc/self/task")),
                "needs /proc to count threads");
        ContextOptions three = ContextOptions.builder().contextLength(256).batchSize(64).threads(3).build();
        long before = processThreads();
        try (LlamaContext context = model.newContext(three); Batch batch = new Batch(64)) {
            // A persistent pool: two workers besides the calling thread, there before any decode
            // and still there after several, instead of a new thread per computed graph.
            assertEquals(before + 2, processThreads());
            for (int i = 0; i < 3; i++) {
                context.memory().clear();
                decodePrompt(context, batch);
                assertEquals(before + 2, processThreads());
            }
        }
        assertEquals(before, processThreads(), "the pool's threads end with the context");
    }

    @Test
    void moreThreadsAfterCreationGetANewPoolAndTheSameLogits() {
        float[] expected;
        try (LlamaContext context = model.newContext(SMALL); Batch batch = new Batch(64)) {
            expected = decodePrompt(context, batch);
        }
        for (int polling : new int[] {0, ContextOptions.MAX_THREAD_POLLING}) {
            ContextOptions options = ContextOptions.builder().contextLength(256).batchSize(64).threads(1)
                    .threadPolling(polling).build();
            try (LlamaContext context = model.newContext(options); Batch batch = new Batch(64)) {
                context.setThreads(3, 2);
                assertEquals(3, context.threads());
                assertEquals(2, context.batchThreads());
                float[] logits = decodePrompt(context, batch);
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], logits[i], 1e-3f, "logit " + i + " at polling " + polling);
                }
            }
        }
    }

    @Test
    void decodeGivesDeterministicLogits() {
        float[] first;
        try (LlamaContext context = model.newContext(SMALL); Batch batch = new Batch(64)) {
            first = decodePrompt(context, batch);
            assertEquals(TinyLlamaGguf.vocabSize(), first.length);
            for (float logit : first) {
                assertTrue(Float.isFinite(logit));
            }
            assertArrayEquals(first, context.lastLogits());
        }
        try (LlamaContext context = model.newContext(SMALL); Batch batch = new Batch(64)) {
            assertArrayEquals(first, decodePrompt(context, batch), "same input, same logits");
        }
    }

    @Test
    void logitsOnlyForOutputsOfTheLastBatch() {
        try (LlamaContext context = model.newContext(SMALL); Batch batch = new Batch(64)) {
            assertThrows(IllegalArgumentException.class, () -> context.logits(0), "nothing decoded yet");
            decodePrompt(context, batch);
            IllegalArgumentException noOutput = assertThrows(IllegalArgumentException.class, () -> context.logits(0));
            assertTrue(noOutput.getMessage().contains("without logits"), noOutput.getMessage());
            IllegalArgumentException outside = assertThrows(IllegalArgumentException.class, () -> context.logits(99));
            assertTrue(outside.getMessage().contains("99"), outside.getMessage());
            assertThrows(IllegalArgumentException.class, () -> context.logits(-1));
        }
    }

    @Test
    void batchValidation() {
        try (LlamaContext context = model.newContext(SMALL); Batch big = new Batch(65); Batch batch = new Batch(4, 2)) {
            for (int i = 0; i < 65; i++) {
                big.add(3, i, i == 64);
            }
            IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class, () -> context.decode(big));
            assertTrue(tooBig.getMessage().contains("65") && tooBig.getMessage().contains("64"), tooBig.getMessage());
            assertThrows(IllegalArgumentException.class, () -> context.decode(batch), "empty batch");
            batch.add(1, 0, true, 0, 1);
            IllegalArgumentException seq = assertThrows(IllegalArgumentException.class, () -> context.decode(batch));
            assertTrue(seq.getMessage().contains("sequence id 1"), seq.getMessage());
        }
    }

    @Test
    void invalidTokenIsADecodeExceptionWithCodeMinusOne() {
        try (LlamaContext context = model.newContext(SMALL); Batch batch = new Batch(4)) {
            batch.add(1, 0, false).add(TinyLlamaGguf.vocabSize() + 5, 1, true);
            DecodeException e = assertThrows(DecodeException.class, () -> context.decode(batch));
            assertEquals(-1, e.code());
            assertTrue(e.invalidBatch());
            // The context is still usable.
            batch.clear();
            batch.add(1, 0, true);
            context.decode(batch);
        }
    }

    @Test
    void fullContextThrowsContextFull() {
        try (LlamaContext context = model.newContext(SMALL); Batch batch = new Batch(64)) {
            int n = context.contextLength();
            for (int pos = 0; pos < n; pos += 64) {
                batch.clear();
                for (int i = 0; i < 64; i++) {
                    batch.add(3 + (pos + i) % 200, pos + i, false);
                }
                context.decode(batch);
            }
            batch.clear();
            batch.add(5, n, true);
            ContextFullException e = assertThrows(ContextFullException.class, () -> context.decode(batch));
            assertEquals(1, e.batchTokens());
            assertEquals(n, e.contextLength());
            // Removing tokens makes room again.
            context.memory().removeTokens(0, n - 8, Integer.MAX_VALUE);
            batch.clear();
            batch.add(5, n - 8, true);
            context.decode(batch);
        }
    }

    @Test
    void abortWhileDecodingAbortsIt() throws Exception {
        // Two threads: the abort callback also runs on ggml's own (non-Java) worker threads. The
        // other thread aborts as soon as the decode is running (a longer batch, many graphs).
        ContextOptions twoThreads = ContextOptions.builder().contextLength(256).batchSize(64).ubatchSize(8)
                .threads(2).build();
        try (LlamaContext context = model.newContext(twoThreads); Batch batch = new Batch(64)) {
            for (int i = 0; i < 64; i++) {
                batch.add(3 + i % 100, i, i == 63);
            }
            AtomicBoolean done = new AtomicBoolean();
            Thread aborter = Thread.ofPlatform().start(() -> {
                while (!done.get()) {
                    context.abort();
                    Thread.onSpinWait();
                }
            });
            try {
                assertThrows(DecodeAbortedException.class, () -> {
                    for (int attempt = 0; attempt < 1000; attempt++) {
                        context.memory().clear();
                        context.decode(batch);
                    }
                });
            } finally {
                done.set(true);
                aborter.join();
            }
            // Nothing is left pending: the next decode runs.
            context.memory().clear();
            context.decode(batch);
        }
    }

    @Test
    void secondThreadGetsIllegalStateNotACrash() throws Exception {
        try (LlamaContext context = model.newContext(SMALL); Batch batch = new Batch(64)) {
            for (int i = 0; i < 64; i++) {
                batch.add(3 + i, i, i == 63);
            }
            AtomicBoolean done = new AtomicBoolean();
            List<String> refusals = new CopyOnWriteArrayList<>();
            List<Throwable> unexpected = new CopyOnWriteArrayList<>();
            Thread other = Thread.ofPlatform().start(() -> {
                while (!done.get()) {
                    try {
                        context.memory().maxPosition(0);
                    } catch (IllegalStateException e) {
                        refusals.add(e.getMessage());
                    } catch (Throwable t) {
                        unexpected.add(t);
                    }
                }
            });
            try {
                for (int round = 0; round < 500 && refusals.isEmpty(); round++) {
                    try {
                        context.memory().clear();
                        context.decode(batch);
                    } catch (IllegalStateException e) {
                        refusals.add(e.getMessage()); // either thread may be the one refused
                    }
                }
            } finally {
                done.set(true);
                other.join();
            }
            assertEquals(List.of(), unexpected);
            assertFalse(refusals.isEmpty(), "overlapping calls were refused");
            for (String refusal : refusals) {
                assertTrue(refusal.startsWith("LlamaContext is in use by thread"), refusal);
            }
        }
    }

    @Test
    void threadsLoadDecodeAndCloseConcurrently() throws Exception {
        float[] expected;
        try (LlamaContext context = model.newContext(SMALL); Batch batch = new Batch(64)) {
            expected = decodePrompt(context, batch);
        }
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 4; i++) {
                        try (LlamaModel own = LlamaModel.load(TestModels.tinyLlama());
                                LlamaContext context = own.newContext(SMALL);
                                LlamaContext shared = model.newContext(SMALL);
                                Batch batch = new Batch(64)) {
                            batch.addSequence(prompt, 0, 0, true);
                            context.decode(batch);
                            assertArrayEquals(expected, context.lastLogits());
                            shared.decode(batch);
                            assertArrayEquals(expected, shared.lastLogits());
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void stateRoundTripRestoresTheMemory() {
        try (LlamaContext context = model.newContext(SMALL); Batch batch = new Batch(64)) {
            decodePrompt(context, batch);
            byte[] state = context.saveState();
            assertTrue(state.length > 1000, "state bytes: " + state.length);
            batch.clear();
            batch.add(290, prompt.length, true);
            context.decode(batch);
            float[] next = context.lastLogits();

            context.memory().clear();
            context.restoreState(state);
            assertEquals(prompt.length - 1, context.memory().maxPosition(0).getAsInt());
            context.decode(batch);
            assertArrayEquals(next, context.lastLogits());

            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> context.restoreState(new byte[] {1, 2, 3}));
            assertTrue(bad.getMessage().contains("3 bytes"), bad.getMessage());
        }
    }

    @Test
    void stateFileRoundTrip() throws java.io.IOException {
        Path file = temp.resolve("session.bin");
        try (LlamaContext context = model.newContext(SMALL); Batch batch = new Batch(64)) {
            decodePrompt(context, batch);
            context.saveState(file, prompt);
            batch.clear();
            batch.add(290, prompt.length, true);
            context.decode(batch);
            float[] next = context.lastLogits();
            try (LlamaContext other = model.newContext(SMALL)) {
                assertArrayEquals(prompt, other.loadState(file));
                other.decode(batch);
                assertArrayEquals(next, other.lastLogits());
            }
            assertThrows(IllegalArgumentException.class, () -> context.loadState(temp.resolve("missing.bin")));
            Path garbage = temp.resolve("garbage.bin");
            java.nio.file.Files.writeString(garbage, "not a session file at all");
            LlamaException e = assertThrows(LlamaException.class, () -> context.loadState(garbage));
            assertTrue(e.getMessage().contains(garbage.toString()), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> context.saveState(file, new int[] {-1}));
        }
    }

    @Test
    void sequenceStateMovesBetweenSequences() {
        ContextOptions two = ContextOptions.builder().contextLength(256).batchSize(64).threads(1).sequences(2).build();
        Path file = temp.resolve("seq.bin");
        try (LlamaContext context = model.newContext(two); Batch batch = new Batch(64)) {
            decodePrompt(context, batch);
            byte[] seq0 = context.saveSequenceState(0);
            context.saveSequenceState(file, 0, prompt);
            batch.clear();
            batch.add(290, prompt.length, true, 0);
            context.decode(batch);
            float[] next = context.lastLogits();

            context.memory().clear();
            context.restoreSequenceState(1, seq0);
            assertEquals(prompt.length - 1, context.memory().maxPosition(1).getAsInt());
            assertTrue(context.memory().maxPosition(0).isEmpty());
            batch.clear();
            batch.add(290, prompt.length, true, 1);
            context.decode(batch);
            assertArrayEquals(next, context.lastLogits(), 1e-5f);

            context.memory().clear();
            assertArrayEquals(prompt, context.loadSequenceState(file, 0));
            assertEquals(prompt.length - 1, context.memory().maxPosition(0).getAsInt());
            assertThrows(IllegalArgumentException.class, () -> context.saveSequenceState(2));
            assertThrows(IllegalArgumentException.class, () -> context.restoreSequenceState(0, new byte[] {1, 2, 3}));
        }
    }

    @Test
    void performanceCounters() {
        try (LlamaContext context = model.newContext(SMALL); Batch batch = new Batch(64)) {
            decodePrompt(context, batch);
            batch.clear();
            batch.add(290, prompt.length, true);
            context.decode(batch);
            PerformanceStats stats = context.performance();
            assertEquals(prompt.length, stats.promptTokens());
            assertEquals(1, stats.generatedTokens());
            assertTrue(stats.promptMillis() > 0);
            context.resetPerformance();
            assertEquals(0, context.performance().promptTokens());
        }
    }

    @Test
    void pooledEmbeddings() {
        ContextOptions options = ContextOptions.builder().contextLength(256).batchSize(64).threads(1)
                .embeddings(true).pooling(PoolingType.MEAN).build();
        try (LlamaContext context = model.newContext(options); Batch batch = new Batch(64)) {
            assertEquals(PoolingType.MEAN, context.pooling());
            batch.addSequence(prompt, 0, 0, true);
            context.decode(batch);
            float[] embedding = context.sequenceEmbeddings(0);
            assertEquals(TinyLlamaGguf.EMBD, embedding.length);
            for (float v : embedding) {
                assertTrue(Float.isFinite(v));
            }
        }
        try (LlamaContext context = model.newContext(SMALL)) {
            assertThrows(IllegalStateException.class, () -> context.sequenceEmbeddings(0));
        }
    }

    @Test
    void embedIsNormalisedAndDeterministic() {
        ContextOptions options = ContextOptions.builder().contextLength(256).batchSize(64).threads(1)
                .embeddings(true).pooling(PoolingType.MEAN).build();
        try (LlamaContext context = model.newContext(options)) {
            float[] a = context.embed("Hello world");
            float[] b = context.embed("once upon a time");
            assertEquals(TinyLlamaGguf.EMBD, a.length);
            double norm = 0;
            for (float v : a) {
                norm += v * v;
            }
            assertEquals(1.0, norm, 1e-5);
            assertArrayEquals(a, context.embed("Hello world"), 1e-6f);
            assertFalse(java.util.Arrays.equals(a, b));
        }
        try (LlamaContext context = model.newContext(SMALL)) {
            assertThrows(IllegalStateException.class, () -> context.embed("x"));
        }
    }

    @Test
    void tokensMadeOnceGiveWhatTheTextGives() {
        ContextOptions embedding = ContextOptions.builder().contextLength(256).batchSize(64).threads(1)
                .embeddings(true).pooling(PoolingType.MEAN).build();
        try (LlamaContext context = model.newContext(embedding)) {
            int[] tokens = model.vocabulary().tokenize("Hello world", true, false);
            assertArrayEquals(context.embed("Hello world"), context.embed(tokens), 0f);
            assertThrows(IllegalArgumentException.class, () -> context.embed(new int[0]));
            assertThrows(IllegalArgumentException.class, () -> context.embed(new int[] {-1}));
        }
        GenerationOptions greedy = GenerationOptions.builder().maxTokens(6).build();
        try (LlamaContext context = model.newContext(SMALL)) {
            String fromText = context.complete("Hello world", greedy).text();
            StringBuilder fromTokens = new StringBuilder();
            try (CompletionStream stream = context.stream(model.vocabulary().tokenize("Hello world", true, false), greedy)) {
                stream.forEachRemaining(fromTokens::append);
            }
            assertEquals(fromText, fromTokens.toString());
            assertThrows(IllegalArgumentException.class, () -> context.stream(new int[300], greedy), "longer than the context");
        }
    }

    @Test
    void optionsReachLlamaCpp() {
        ContextOptions options = ContextOptions.builder().contextLength(256).batchSize(32).ubatchSize(16).threads(1)
                .batchThreads(2).ropeFreqBase(10000f).ropeFreqScale(0.5f).ropeScaling(RopeScalingType.LINEAR)
                .flashAttention(FlashAttention.DISABLED).cacheTypeK(CacheType.F32).cacheTypeV(CacheType.F32)
                .offloadKqv(false).measurePerformance(false).build();
        try (LlamaContext context = model.newContext(options); Batch batch = new Batch(32)) {
            assertEquals(32, context.batchSize());
            assertEquals(16, context.ubatchSize());
            assertEquals(2, context.batchThreads());
            batch.addSequence(prompt, 0, 0, true);
            context.decode(batch);
            assertEquals(0, context.performance().promptTokens(), "performance off");
        }
    }

    @Test
    void refusedOptionsGiveLlamaCppsReason() {
        ContextOptions quantizedVNoFlash = ContextOptions.builder().contextLength(256).threads(1)
                .cacheTypeV(CacheType.Q8_0).flashAttention(FlashAttention.DISABLED).build();
        LlamaException e = assertThrows(LlamaException.class, () -> model.newContext(quantizedVNoFlash));
        assertTrue(e.getMessage().contains("flash_attn"), e.getMessage());
    }

    @Test
    void closedContextThrows() {
        LlamaContext context = model.newContext(SMALL);
        context.close();
        context.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> context.decode(new Batch(1).add(1, 0, true)));
        assertEquals("LlamaContext is closed", e.getMessage());
        assertThrows(IllegalStateException.class, context::memory);
        assertThrows(IllegalStateException.class, context::saveState);
        context.abort(); // harmless
    }
}
