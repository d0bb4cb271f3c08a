package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Several requests on one context, on the tiny llama model: each gives exactly what it gives
 * alone (on a context of its own through {@link LlamaContext#complete}), with and without the
 * prompt cache; prompts join in chunks without stalling running requests; cancellation,
 * closing and bad input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ParallelGeneratorTest {
    private static final int EOS = 2;
    private static final List<String> PROMPTS = List.of(
            "Hello world",
            "once upon a time the world",
            "the",
            "a more Hello the once upon a time world the a",
            "lo ld wor Hello",
            "upon the time once more");

    private LlamaModel model;

    @BeforeAll
    void load() {
        model = LlamaModel.load(TestModels.tinyLlama());
    }

    @AfterAll
    void closeModel() {
        model.close();
    }

    private LlamaContext sharedContext(int sequences) {
        return model.newContext(ContextOptions.builder().contextLength(256).batchSize(64).threads(1)
                .sequences(sequences).unifiedMemory(true).build());
    }

    /** Greedy with end-of-generation banned, so a request runs to its limits. */
    private Sampler noEos() {
        return Sampler.builder(model).logitBias(Map.of(EOS, Float.NEGATIVE_INFINITY)).greedy().build();
    }

    /** Seeded random sampling, end-of-generation banned. */
    private Sampler seeded(long seed) {
        return Sampler.builder(model).logitBias(Map.of(EOS, Float.NEGATIVE_INFINITY)).topK(20).temperature(1.2f)
                .distribution(seed).build();
    }

    /** The request on a context of its own, through the single-sequence API. */
    private Completion alone(String prompt, GenerationOptions options) {
        try (LlamaContext context = model.newContext(ContextOptions.builder().contextLength(256).batchSize(64).threads(1).build())) {
            return context.complete(prompt, options);
        }
    }

    private static GenerationOptions options(int maxTokens, Sampler sampler, String... stops) {
        return GenerationOptions.builder().maxTokens(maxTokens).sampler(sampler).stopStrings(stops).build();
    }

    private static void assertSame(Completion expected, Completion actual, String what) {
        assertArrayEquals(expected.tokens(), actual.tokens(), what + ": tokens");
        assertEquals(expected.text(), actual.text(), what + ": text");
        assertEquals(expected.stopReason(), actual.stopReason(), what + ": stop reason");
    }

    @Test
    void concurrentGreedyRequestsGiveExactlyTheirTokensAlone() throws Exception {
        int[] maxTokens = {20, 7, 33, 12, 25, 16};
        List<Completion> expected = new ArrayList<>();
        for (int i = 0; i < PROMPTS.size(); i++) {
            try (Sampler sampler = noEos()) {
                expected.add(alone(PROMPTS.get(i), options(maxTokens[i], sampler)));
            }
        }
        List<Sampler> samplers = new ArrayList<>();
        try (LlamaContext context = sharedContext(4);
             ParallelGenerator generator = new ParallelGenerator(context,
                     ParallelOptions.builder().promptTokensPerStep(3).build())) {
            // Submitted from threads of their own, all at once: 6 requests on 4 sequences.
            List<GenerationHandle> handles = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> submitters = new ArrayList<>();
            for (int i = 0; i < PROMPTS.size(); i++) {
                Sampler sampler = noEos();
                samplers.add(sampler);
                handles.add(null);
                int index = i;
                submitters.add(Thread.ofPlatform().start(() -> {
                    awaitQuietly(start);
                    GenerationHandle handle = generator.submit(PROMPTS.get(index), options(maxTokens[index], sampler));
                    synchronized (handles) {
                        handles.set(index, handle);
                    }
                }));
            }
            start.countDown();
            for (Thread submitter : submitters) {
                submitter.join();
            }
            for (int i = 0; i < PROMPTS.size(); i++) {
                GenerationHandle handle;
                synchronized (handles) {
                    handle = handles.get(i);
                }
                StringBuilder streamed = new StringBuilder();
                handle.forEachRemaining(streamed::append);
                GenerationResult result = handle.join();
                assertSame(expected.get(i), result.completion(), "request " + i);
                assertEquals(StopReason.MAX_TOKENS, result.stopReason());
                assertEquals(result.text(), streamed.toString(), "the pieces make up the text");
                assertEquals(maxTokens[i], result.usage().completionTokens());
                assertEquals(model.vocabulary().tokenize(PROMPTS.get(i), true, false).length, result.usage().promptTokens());
            }
        } finally {
            samplers.forEach(Sampler::close);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void concurrentSeededRequestsGiveExactlyTheirTokensAlone() {
        List<Completion> expected = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try (Sampler sampler = seeded(1000 + i)) {
                expected.add(alone(PROMPTS.get(i), options(24, sampler)));
            }
        }
        List<Sampler> samplers = new ArrayList<>();
        try (LlamaContext context = sharedContext(4); ParallelGenerator generator = new ParallelGenerator(context)) {
            List<GenerationHandle> handles = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Sampler sampler = seeded(1000 + i);
                samplers.add(sampler);
                handles.add(generator.submit(PROMPTS.get(i), options(24, sampler)));
            }
            for (int i = 0; i < 4; i++) {
                assertSame(expected.get(i), handles.get(i).join().completion(), "seeded request " + i);
            }
        } finally {
            samplers.forEach(Sampler::close);
        }
        assertFalse(java.util.Arrays.equals(expected.get(0).tokens(), expected.get(1).tokens()), "different seeds differ");
    }

    @Test
    void samplingSettingsMakeAnOwnSamplerPerRequest() {
        SamplingSettings settings = SamplingSettings.builder().temperature(0.9f).seed(77).build();
        Completion expected;
        try (Sampler sampler = settings.newSampler(model)) {
            expected = alone(PROMPTS.get(1), options(15, sampler));
        }
        try (LlamaContext context = sharedContext(2); ParallelGenerator generator = new ParallelGenerator(context)) {
            GenerationHandle first = generator.submit(PROMPTS.get(1), GenerationOptions.builder().maxTokens(15).build(), settings);
            GenerationHandle second = generator.submit(PROMPTS.get(1), GenerationOptions.builder().maxTokens(15).build(), settings);
            assertSame(expected, first.join().completion(), "first");
            assertSame(expected, second.join().completion(), "second, the same settings at the same time");
        }
    }

    @Test
    void stopStringsAndLimitsArePerRequest() {
        Completion unstopped;
        try (Sampler sampler = noEos()) {
            unstopped = alone(PROMPTS.get(0), options(30, sampler));
        }
        String stop = unstopped.text().substring(8, 11);
        Completion stopped;
        try (Sampler sampler = noEos()) {
            stopped = alone(PROMPTS.get(0), options(30, sampler, stop));
        }
        assertEquals(StopReason.STOP_STRING, stopped.stopReason(), "the stop string '" + stop + "' is in " + unstopped.text());
        try (LlamaContext context = sharedContext(3); ParallelGenerator generator = new ParallelGenerator(context);
             Sampler a = noEos(); Sampler b = noEos(); Sampler c = noEos()) {
            GenerationHandle withStop = generator.submit(PROMPTS.get(0), options(30, a, stop));
            GenerationHandle without = generator.submit(PROMPTS.get(0), options(30, b));
            GenerationHandle shortOne = generator.submit(PROMPTS.get(0), options(3, c));
            List<String> pieces = new ArrayList<>();
            withStop.forEachRemaining(pieces::add);
            assertSame(stopped, withStop.join().completion(), "with the stop string");
            for (String piece : pieces) {
                assertFalse(piece.contains(stop), "the stop string leaked into a piece: " + piece);
            }
            assertSame(unstopped, without.join().completion(), "without it");
            assertEquals(3, shortOne.join().completion().tokens().length);
        }
    }

    @Test
    void endOfGenerationEndsOnlyItsRequest() {
        try (LlamaContext context = sharedContext(2); ParallelGenerator generator = new ParallelGenerator(context);
             Sampler grammar = Sampler.builder(model).grammar("root ::= \" Hello world\"", "root").greedy().build();
             Sampler free = noEos()) {
            GenerationHandle ending = generator.submit("once upon", options(50, grammar));
            GenerationHandle running = generator.submit("once upon", options(40, free));
            GenerationResult ended = ending.join();
            assertEquals(" Hello world", ended.text());
            assertEquals(StopReason.EOS, ended.stopReason());
            assertEquals(40, running.join().usage().completionTokens());
        }
    }

    @Test
    void promptCacheReusesTheLongestPrefixAndChangesNothing() {
        int[] first = model.vocabulary().tokenize(PROMPTS.get(3), true, false);
        int[] longer = model.vocabulary().tokenize(PROMPTS.get(3) + " once more the world", true, false);
        GenerationResult[] withCache = runTwice(true, first, longer);
        GenerationResult[] withoutCache = runTwice(false, first, longer);

        assertEquals(0, withCache[0].usage().cachedTokens(), "nothing cached at first");
        int sharedPrefix = commonPrefix(first, longer);
        assertEquals(sharedPrefix, withCache[1].usage().cachedTokens(), "the first prompt's tokens are reused");
        assertEquals(longer.length, withCache[1].usage().promptTokens());
        assertEquals(longer.length - sharedPrefix, withCache[1].completion().timings().promptTokens(),
                "only the new suffix is decoded");
        assertEquals(first.length - 1, withCache[2].usage().cachedTokens(),
                "the same prompt again: all but its last token (decoded again for its logits)");
        for (GenerationResult uncached : withoutCache) {
            assertEquals(0, uncached.usage().cachedTokens());
        }
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(withoutCache[i].completion().tokens(), withCache[i].completion().tokens(),
                    "request " + i + " is the same with the cache");
            assertEquals(withoutCache[i].text(), withCache[i].text());
        }
    }

    /** The first prompt, then the longer one, then the first again, one after another. */
    private GenerationResult[] runTwice(boolean cache, int[] first, int[] longer) {
        try (LlamaContext context = sharedContext(2);
             ParallelGenerator generator = new ParallelGenerator(context, ParallelOptions.builder().promptCache(cache).build())) {
            GenerationResult[] results = new GenerationResult[3];
            int[][] prompts = {first, longer, first};
            for (int i = 0; i < 3; i++) {
                try (Sampler sampler = noEos()) {
                    results[i] = generator.submit(prompts[i], options(10, sampler)).join();
                }
            }
            return results;
        }
    }

    private static int commonPrefix(int[] a, int[] b) {
        int n = 0;
        while (n < a.length && n < b.length && a[n] == b[n]) {
            n++;
        }
        return n;
    }

    @Test
    void theIdleSequenceWithTheLongestPrefixIsChosen() {
        int[] a = model.vocabulary().tokenize(PROMPTS.get(1), true, false);
        int[] b = model.vocabulary().tokenize(PROMPTS.get(3), true, false);
        int[] bLonger = model.vocabulary().tokenize(PROMPTS.get(3) + " upon", true, false);
        try (LlamaContext context = sharedContext(2); ParallelGenerator generator = new ParallelGenerator(context);
             Sampler s1 = noEos(); Sampler s2 = noEos(); Sampler s3 = noEos()) {
            GenerationHandle first = generator.submit(a, options(4, s1));
            GenerationHandle second = generator.submit(b, options(4, s2));
            first.join();
            second.join();
            GenerationResult third = generator.submit(bLonger, options(4, s3)).join();
            assertEquals(commonPrefix(b, bLonger), third.usage().cachedTokens(),
                    "runs on the sequence that holds b, not the one that holds a");
        }
    }

    @Test
    void cachedPromptsGiveWayWhenTheSharedMemoryIsFull() {
        String longPrompt = " the".repeat(60);
        Completion expected;
        try (Sampler sampler = noEos()) {
            expected = alone(longPrompt, options(120, sampler));
        }
        try (LlamaContext context = sharedContext(2); ParallelGenerator generator = new ParallelGenerator(context);
             Sampler first = noEos(); Sampler second = noEos()) {
            int used = model.vocabulary().tokenize(PROMPTS.get(3), true, false).length + 100;
            generator.submit(PROMPTS.get(3), options(100, first)).join(); // stays cached: ~110 tokens
            assertTrue(used + 61 + 120 > context.contextLength(), "together they do not fit");
            GenerationResult result = generator.submit(longPrompt, options(120, second)).join();
            assertSame(expected, result.completion(), "the long request, after the cached prompt was dropped");
        }
    }

    @Test
    void aRequestThatFillsTheMemoryEndsWithContextFull() {
        try (LlamaContext context = sharedContext(2); ParallelGenerator generator = new ParallelGenerator(context);
             Sampler sampler = noEos()) {
            GenerationResult result = generator.submit("Hello world", options(10_000, sampler)).join();
            assertEquals(StopReason.CONTEXT_FULL, result.stopReason());
            assertEquals(context.sequenceContextLength() - 3 + 1, result.usage().completionTokens(),
                    "prompt and generated tokens fill the sequence, as with LlamaContext.complete");
        }
    }

    @Test
    void aLongPromptJoinsInChunksWithoutStallingARunningRequest() {
        String longPrompt = " the a".repeat(50);
        int longLength = model.vocabulary().tokenize(longPrompt, true, false).length;
        Completion expectedLong;
        try (Sampler sampler = noEos()) {
            expectedLong = alone(longPrompt, options(5, sampler));
        }
        List<List<ParallelLoop.Share>> steps = java.util.Collections.synchronizedList(new ArrayList<>());
        // A long shared context: the running request cannot reach its end during the test.
        try (LlamaContext context = model.newContext(ContextOptions.builder().contextLength(8192).batchSize(64).threads(1)
                .sequences(2).unifiedMemory(true).build());
             ParallelGenerator generator = new ParallelGenerator(context,
                     ParallelOptions.builder().promptTokensPerStep(4).build(), steps::add);
             Sampler endless = noEos(); Sampler s2 = noEos()) {
            GenerationHandle running = generator.submit("Hello world", options(100_000, endless));
            running.next(); // it is generating
            GenerationResult joined = generator.submit(longPrompt, options(5, s2)).join();
            running.cancel();
            assertEquals(StopReason.CANCELLED, running.join().stopReason(), "it ran all along");
            assertSame(expectedLong, joined.completion(), "the chunked prompt gives what it gives alone");

            int runningSequence = steps.getFirst().getFirst().sequence();
            int promptSteps = 0;
            int promptTokens = 0;
            for (List<ParallelLoop.Share> step : steps) {
                for (ParallelLoop.Share share : step) {
                    if (share.prompt() && share.sequence() != runningSequence) {
                        promptSteps++;
                        promptTokens += share.tokens();
                        assertTrue(share.tokens() <= 4, "a chunk within the bound: " + step);
                        assertTrue(step.contains(new ParallelLoop.Share(runningSequence, 1, false)),
                                "the running request got its next token in the same step: " + step);
                    }
                }
            }
            assertEquals(longLength, promptTokens, "the whole prompt was decoded");
            assertTrue(promptSteps >= (longLength + 3) / 4, "in chunks, over " + promptSteps + " steps");
        }
    }

    @Test
    void cancellingARequestFreesItsSequenceForTheNext() throws Exception {
        try (LlamaContext context = sharedContext(1); ParallelGenerator generator = new ParallelGenerator(context);
             Sampler long1 = noEos(); Sampler next = noEos(); Sampler queued = noEos()) {
            GenerationHandle endless = generator.submit("Hello", options(200, long1));
            GenerationHandle waiting = generator.submit("Hello world", options(5, next));
            GenerationHandle dropped = generator.submit("Hello world", options(5, queued));
            assertTrue(endless.hasNext());
            dropped.cancel(); // while queued: it ends without running
            GenerationResult droppedResult = dropped.join();
            assertEquals(StopReason.CANCELLED, droppedResult.stopReason());
            assertEquals(0, droppedResult.usage().completionTokens());

            Thread canceller = Thread.ofPlatform().start(endless::cancel); // from another thread
            canceller.join();
            GenerationResult cancelled = endless.join();
            assertEquals(StopReason.CANCELLED, cancelled.stopReason());
            assertTrue(cancelled.usage().completionTokens() < 200, "stopped early: " + cancelled.usage());
            assertEquals(StopReason.MAX_TOKENS, waiting.join().stopReason(), "the waiting request got the sequence");
            assertEquals(0, generator.running());
            assertEquals(0, generator.waiting());
        }
    }

    @Test
    void closingTheHandleCancelsAndClosingTheGeneratorEndsEverything() {
        try (LlamaContext context = sharedContext(1); Sampler a = noEos(); Sampler b = noEos()) {
            ParallelGenerator generator = new ParallelGenerator(context);
            GenerationHandle running;
            GenerationHandle queued;
            try (GenerationHandle early = generator.submit("Hello", options(200, a))) {
                early.next();
            } // closed after one piece: cancelled
            running = generator.submit("Hello", options(200, b));
            queued = generator.submit("Hello", GenerationOptions.builder().maxTokens(200).build());
            running.next();
            generator.close();
            assertTrue(running.isDone() && queued.isDone(), "close waits for the requests to end");
            assertEquals(StopReason.CANCELLED, running.join().stopReason());
            assertEquals(StopReason.CANCELLED, queued.join().stopReason());
            IllegalStateException closed = assertThrows(IllegalStateException.class,
                    () -> generator.submit("Hello", GenerationOptions.defaults()));
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
            generator.close(); // idempotent

            // The context is the caller's again, with an empty memory.
            assertTrue(context.memory().maxPosition(0).isEmpty());
            assertEquals(3, context.complete("Hello", GenerationOptions.builder().maxTokens(3).sampler(a).build())
                    .tokens().length);
        }
    }

    @Test
    void theContextRefusesOtherCallersWhileTheGeneratorRuns() {
        try (LlamaContext context = sharedContext(2)) {
            try (ParallelGenerator generator = new ParallelGenerator(context)) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> context.complete("Hello", GenerationOptions.defaults()));
                assertTrue(e.getMessage().contains("ParallelGenerator"), e.getMessage());
                assertThrows(IllegalStateException.class, () -> new ParallelGenerator(context), "one generator per context");
            }
            try (CompletionStream stream = context.stream("Hello", GenerationOptions.defaults())) {
                assertThrows(IllegalStateException.class, () -> new ParallelGenerator(context),
                        "not while a CompletionStream is open");
            }
        }
    }

    @Test
    void badRequestsAreRefusedAtSubmission() {
        try (LlamaContext context = sharedContext(2);
             ParallelGenerator generator = new ParallelGenerator(context, ParallelOptions.builder().maxQueued(0).build());
             Sampler lent = noEos()) {
            int length = context.sequenceContextLength();
            IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                    () -> generator.submit(new int[length], GenerationOptions.defaults()));
            assertTrue(tooLong.getMessage().contains(length + " tokens") && tooLong.getMessage().contains("holds " + length),
                    tooLong.getMessage());
            assertThrows(IllegalArgumentException.class, () -> generator.submit(new int[0], GenerationOptions.defaults()));
            IllegalArgumentException badToken = assertThrows(IllegalArgumentException.class,
                    () -> generator.submit(new int[] {1, 99_999}, GenerationOptions.defaults()));
            assertTrue(badToken.getMessage().contains("99999"), badToken.getMessage());
            assertThrows(IllegalArgumentException.class, () -> generator.submit("Hello",
                    options(5, lent), SamplingSettings.defaults()), "a sampler and settings both");
            assertThrows(IllegalArgumentException.class, () -> generator.submit("Hello", GenerationOptions.defaults(),
                    SamplingSettings.builder().grammar("root ::= (").build()), "a grammar that does not parse");

            GenerationHandle first = generator.submit("Hello", options(200, lent));
            IllegalArgumentException shared = assertThrows(IllegalArgumentException.class,
                    () -> generator.submit("Hello", options(5, lent)));
            assertTrue(shared.getMessage().contains("another request"), shared.getMessage());
            try (Sampler other = noEos()) {
                GenerationHandle second = generator.submit("Hello", options(200, other));
                assertTrue(first.hasNext() && second.hasNext(), "both sequences busy");
                RejectedExecutionException full = assertThrows(RejectedExecutionException.class,
                        () -> generator.submit("Hello", GenerationOptions.defaults()));
                assertTrue(full.getMessage().contains("maxQueued"), full.getMessage());
                first.cancel();
                second.cancel();
                second.join();
            }
            first.join();
            assertEquals(5, generator.submit("Hello", options(5, lent)).join().usage().completionTokens(),
                    "the sampler is free again once its request ended");
        }
    }

    @Test
    void tooManySequencesAreRefusedWithTheLimitNamed() {
        IllegalArgumentException beyondLlama = assertThrows(IllegalArgumentException.class,
                () -> ContextOptions.builder().sequences(ContextOptions.MAX_SEQUENCES + 1).build());
        assertTrue(beyondLlama.getMessage().contains("256"), beyondLlama.getMessage());
        // llama.cpp reserves an output row per sequence in a batch-sized buffer; more would abort the JVM.
        IllegalArgumentException smallBatch = assertThrows(IllegalArgumentException.class,
                () -> ContextOptions.builder().batchSize(2).sequences(4).build());
        assertTrue(smallBatch.getMessage().contains("batchSize >= 4"), smallBatch.getMessage());
        IllegalArgumentException shortContext = assertThrows(IllegalArgumentException.class,
                () -> ContextOptions.builder().contextLength(8).sequences(16).unifiedMemory(true).build());
        assertTrue(shortContext.getMessage().contains("contextLength >= 16"), shortContext.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ParallelOptions.builder().sequences(-1).build());
        try (LlamaContext context = sharedContext(2)) {
            IllegalArgumentException more = assertThrows(IllegalArgumentException.class,
                    () -> new ParallelGenerator(context, ParallelOptions.builder().sequences(3).build()));
            assertTrue(more.getMessage().contains("3 sequences") && more.getMessage().contains("holds 2"), more.getMessage());
            try (ParallelGenerator two = new ParallelGenerator(context, ParallelOptions.builder().sequences(1).build())) {
                assertEquals(1, two.sequences(), "fewer than the context holds is fine");
            }
        }
    }

    @Test
    void separateMemoryPerSequenceWorksToo() {
        Completion expected;
        try (Sampler sampler = noEos()) {
            expected = alone(PROMPTS.get(1), options(12, sampler));
        }
        try (LlamaContext context = model.newContext(ContextOptions.builder().contextLength(512).batchSize(64).threads(1)
                .sequences(2).unifiedMemory(false).build());
             ParallelGenerator generator = new ParallelGenerator(context);
             Sampler a = noEos(); Sampler b = noEos()) {
            assertEquals(256, context.sequenceContextLength(), "each sequence has its half");
            GenerationHandle first = generator.submit(PROMPTS.get(1), options(12, a));
            GenerationHandle second = generator.submit(PROMPTS.get(1), options(12, b));
            assertSame(expected, first.join().completion(), "first");
            assertSame(expected, second.join().completion(), "second");
        }
    }

    /** What a newcomer writes first: default options everywhere. */
    @Test
    void newcomerWithDefaults() {
        try (LlamaContext context = model.newContext(ContextOptions.defaults());
             ParallelGenerator generator = new ParallelGenerator(context)) {
            GenerationHandle handle = generator.submit("Once upon a time", GenerationOptions.defaults());
            StringBuilder text = new StringBuilder();
            while (handle.hasNext()) {
                text.append(handle.next());
            }
            GenerationResult result = handle.result().join();
            assertEquals(text.toString(), result.text());
            assertTrue(result.stopReason() == StopReason.EOS || result.stopReason() == StopReason.MAX_TOKENS,
                    result.stopReason().toString());
            assertTrue(result.usage().completionTokens() <= GenerationOptions.DEFAULT_MAX_TOKENS);
            assertEquals(model.vocabulary().tokenize("Once upon a time", true, false).length, result.usage().promptTokens());
            assertEquals(1, generator.sequences());
        }
    }

    @Test
    void aWaitingConsumerIsWokenByTheEndWithoutPieces() {
        try (LlamaContext context = sharedContext(1); ParallelGenerator generator = new ParallelGenerator(context);
             Sampler grammar = Sampler.builder(model).grammar("root ::= \"\"", "root").greedy().build()) {
            GenerationHandle handle = generator.submit("Hello", options(10, grammar));
            assertFalse(handle.hasNext(), "an empty grammar allows only end of generation");
            assertThrows(java.util.NoSuchElementException.class, handle::next);
            assertEquals(StopReason.EOS, handle.result().orTimeout(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS)
                    .join().stopReason());
        }
    }
}
