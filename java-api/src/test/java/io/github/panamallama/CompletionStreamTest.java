package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Generation on the tiny llama model; grammars make its output known in advance. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompletionStreamTest {
    private LlamaModel model;
    private LlamaContext context;

    @BeforeAll
    void load() {
        model = LlamaModel.load(TestModels.tinyLlama());
    }

    @AfterAll
    void closeModel() {
        model.close();
    }

    @BeforeEach
    void open() {
        context = model.newContext(ContextOptions.builder().contextLength(256).batchSize(64).threads(1).build());
    }

    @AfterEach
    void closeContext() {
        context.close();
    }

    private Sampler grammar(String literal) {
        return Sampler.builder(model).grammar("root ::= \"" + literal + "\"", "root").greedy().build();
    }

    /** Greedy, with EOS banned so generation runs until a limit. */
    private Sampler noEos() {
        return Sampler.builder(model).logitBias(Map.of(2, Float.NEGATIVE_INFINITY)).greedy().build();
    }

    @Test
    void greedyGenerationIsDeterministicAndStopsAtMaxTokens() {
        try (Sampler sampler = noEos()) {
            GenerationOptions options = GenerationOptions.builder().maxTokens(12).sampler(sampler).build();
            Completion first = context.complete("Hello world", options);
            sampler.reset();
            Completion second = context.complete("Hello world", options);
            assertEquals(StopReason.MAX_TOKENS, first.stopReason());
            assertEquals(12, first.tokens().length);
            assertArrayEquals(first.tokens(), second.tokens());
            assertEquals(first.text(), second.text());
            assertEquals(model.vocabulary().detokenize(first.tokens()), first.text());
            assertEquals(3, first.timings().promptTokens());
            assertEquals(12, first.timings().generatedTokens());
            assertTrue(first.timings().tokensPerSecond() > 0);
        }
    }

    @Test
    void defaultSamplerIsGreedy() {
        Completion viaDefault = context.complete("Hello", GenerationOptions.builder().maxTokens(5).build());
        try (Sampler greedy = Sampler.greedy(model)) {
            Completion viaGreedy = context.complete("Hello", GenerationOptions.builder().maxTokens(5).sampler(greedy).build());
            assertArrayEquals(viaGreedy.tokens(), viaDefault.tokens());
        }
    }

    @Test
    void grammarThenEndOfGeneration() {
        try (Sampler sampler = grammar(" Hello world")) {
            Completion c = context.complete("once upon", GenerationOptions.builder().maxTokens(50).sampler(sampler).build());
            assertEquals(" Hello world", c.text());
            assertEquals(StopReason.EOS, c.stopReason(), "a finished grammar allows only end of generation");
        }
    }

    @Test
    void stopStringAcrossTokensIsCutAndNeverStreamed() {
        try (Sampler sampler = grammar(" Hello world END more")) {
            GenerationOptions options = GenerationOptions.builder().maxTokens(50).sampler(sampler)
                    .stopStrings("d END").build();
            List<String> pieces = new ArrayList<>();
            Completion c = context.complete("once", options, pieces::add);
            assertEquals(StopReason.STOP_STRING, c.stopReason());
            assertEquals(" Hello worl", c.text());
            assertEquals(c.text(), String.join("", pieces));
            for (String piece : pieces) {
                assertFalse(piece.contains("E"), "stop string text leaked in piece '" + piece + "'");
            }
        }
    }

    @Test
    void multiByteCharactersAreNeverSplit() {
        String text = " 🦙 ünï 日本";
        try (Sampler sampler = grammar(text)) {
            List<String> pieces = new ArrayList<>();
            Completion c = context.complete("Hello", GenerationOptions.builder().maxTokens(60).sampler(sampler).build(),
                    pieces::add);
            assertEquals(text, c.text());
            assertTrue(c.tokens().length > 10, "made of byte-fallback tokens: " + c.tokens().length);
            for (String piece : pieces) {
                assertFalse(piece.contains("\uFFFD"), "piece with a split character: " + piece);
            }
            assertTrue(pieces.contains("🦙"), pieces.toString());
        }
    }

    @Test
    void contextFullEndsGeneration() {
        try (Sampler sampler = noEos()) {
            Completion c = context.complete("Hello world",
                    GenerationOptions.builder().maxTokens(10_000).sampler(sampler).build());
            assertEquals(StopReason.CONTEXT_FULL, c.stopReason());
            assertEquals(context.contextLength() - 3 + 1, c.tokens().length, "prompt + generated fill the context");
        }
    }

    /**
     * Several sequences without unified memory: the stream's sequence 0 holds only its share of
     * the context, and both the prompt check and the end of generation use that share.
     */
    @Test
    void aSequenceOfASplitContextBoundsThePromptAndTheGeneration() {
        try (LlamaContext split = model.newContext(ContextOptions.builder().contextLength(1024).sequences(4)
                .unifiedMemory(false).batchSize(64).threads(1).build());
             Sampler sampler = noEos()) {
            int share = split.sequenceContextLength();
            assertTrue(share < split.contextLength(), share + " of " + split.contextLength());
            String prompt = "Hello world".repeat(share / 2);
            int promptTokens = model.vocabulary().tokenize(prompt, true, false).length;
            assertTrue(promptTokens >= share && promptTokens < split.contextLength(), promptTokens + " tokens");
            IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                    () -> split.complete(prompt, GenerationOptions.builder().maxTokens(4).build()));
            assertTrue(tooLong.getMessage().contains(promptTokens + " tokens") && tooLong.getMessage().contains("holds " + share),
                    tooLong.getMessage());

            Completion full = split.complete("Hello world", GenerationOptions.builder().maxTokens(10_000).sampler(sampler).build());
            assertEquals(StopReason.CONTEXT_FULL, full.stopReason());
            assertEquals(share - 3 + 1, full.tokens().length, "prompt + generated fill the sequence's share");
        }
    }

    @Test
    void abortFromTheCallbackCancelsWithinOneToken() {
        try (Sampler sampler = noEos()) {
            AtomicInteger seen = new AtomicInteger();
            Completion c = context.complete("Hello", GenerationOptions.builder().maxTokens(200).sampler(sampler).build(),
                    piece -> {
                        if (seen.incrementAndGet() == 5) {
                            context.abort();
                        }
                    });
            assertEquals(StopReason.CANCELLED, c.stopReason());
            assertTrue(c.tokens().length <= 6, "tokens after abort: " + c.tokens().length);
        }
    }

    @Test
    void abortFromAnotherThreadStopsTheStream() throws Exception {
        try (Sampler sampler = noEos();
                CompletionStream stream = context.stream("Hello",
                        GenerationOptions.builder().maxTokens(200).sampler(sampler).build())) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch aborted = new CountDownLatch(1);
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    started.await();
                    context.abort();
                    aborted.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            int piecesAfterAbort = 0;
            while (stream.hasNext()) {
                stream.next();
                if (aborted.getCount() == 0) {
                    piecesAfterAbort++;
                } else {
                    started.countDown();
                    aborted.await(); // the request is in before the next token
                }
            }
            other.join();
            assertEquals(StopReason.CANCELLED, stream.stopReason());
            assertEquals(0, piecesAfterAbort, "the loop checks for an abort before every token");
        }
    }

    private GenerationTimings lastTimings;

    /** Bytes allocated on this thread while generating {@code tokens} tokens. */
    private long allocatedGenerating(Sampler sampler, int tokens) {
        GenerationOptions options = GenerationOptions.builder().maxTokens(tokens).sampler(sampler).build();
        long before = threadAllocatedBytes();
        try (CompletionStream stream = context.stream("Hello", options)) {
            while (stream.hasNext()) {
                stream.next();
            }
            Completion completion = stream.completion();
            assertEquals(tokens, completion.tokens().length);
            lastTimings = completion.timings();
        }
        return threadAllocatedBytes() - before;
    }

    /** HotSpot's per-thread allocation counter, reached reflectively (the module does not read jdk.management). */
    private static long threadAllocatedBytes() {
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            return (long) Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes")
                    .invoke(bean);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void decodeLoopAllocatesOnlyThePiecesPerToken() {
        try (Sampler sampler = noEos()) {
            // The JIT removes the downcall plumbing's temporary objects once it has compiled the
            // loop, which a busy machine may take a while to do: take the best of a few rounds.
            double perToken = Double.MAX_VALUE;
            for (int round = 0; round < 10 && perToken >= 256; round++) {
                allocatedGenerating(sampler, 200);
                long small = allocatedGenerating(sampler, 40);
                long large = allocatedGenerating(sampler, 200);
                perToken = Math.min(perToken, (large - small) / 160.0);
            }
            System.out.printf("decode loop: %.0f bytes allocated per token; %.0f tokens/s (tiny model, 1 thread)%n",
                    perToken, lastTimings.tokensPerSecond());
            // A piece String (+ its byte[]) and amortised growth of the text and token arrays:
            // well under a kilobyte. Per-token buffers or batches would show up as much more.
            assertTrue(perToken < 1024, "bytes per token: " + perToken);
        }
    }

    @Test
    void openStreamLocksTheContext() {
        try (Sampler sampler = noEos();
                CompletionStream stream = context.stream("Hello",
                        GenerationOptions.builder().maxTokens(3).sampler(sampler).build())) {
            assertTrue(stream.hasNext());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> context.memory().clear());
            assertTrue(e.getMessage().contains("CompletionStream is open"), e.getMessage());
            assertThrows(IllegalStateException.class, stream::completion, "not finished");
            String text = stream.stream().collect(Collectors.joining());
            assertEquals(text, stream.completion().text());
        }
        context.memory().clear(); // unlocked after close
    }

    @Test
    void finishedStreamUnlocksTheContextBeforeClose() {
        CompletionStream stream = context.stream("Hello", GenerationOptions.builder().maxTokens(2).build());
        while (stream.hasNext()) {
            stream.next();
        }
        context.memory().clear(); // no longer locked
        assertEquals(StopReason.MAX_TOKENS, stream.completion().stopReason());
        stream.close();
        assertEquals(StopReason.MAX_TOKENS, stream.stopReason(), "close after the end changes nothing");
    }

    @Test
    void closingEarlyCancels() {
        CompletionStream stream = context.stream("Hello", GenerationOptions.builder().maxTokens(50).build());
        stream.close();
        stream.close();
        assertEquals(StopReason.CANCELLED, stream.stopReason());
        assertFalse(stream.hasNext());
        context.complete("Hello", GenerationOptions.builder().maxTokens(1).build());
    }

    @Test
    void callbackCannotReenterTheContext() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> context.complete("Hello", GenerationOptions.builder().maxTokens(5).build(),
                        piece -> context.memory().clear()));
        assertTrue(e.getMessage().contains("CompletionStream"), e.getMessage());
        context.complete("Hello", GenerationOptions.builder().maxTokens(1).build());
    }

    @Test
    void promptValidation() {
        GenerationOptions noSpecial = GenerationOptions.builder().addSpecial(false).build();
        assertThrows(IllegalArgumentException.class, () -> context.complete("", noSpecial));
        String huge = "a ".repeat(400);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> context.complete(huge, GenerationOptions.defaults()));
        assertTrue(e.getMessage().contains("256"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GenerationOptions.builder().maxTokens(0).build());
        assertThrows(IllegalArgumentException.class, () -> GenerationOptions.builder().stopStrings("").build());
    }
}
