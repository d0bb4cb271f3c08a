package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContextPoolTest {
    private final ContextOptions options = ContextOptions.builder().contextLength(128).threads(1).build();
    private LlamaModel llama;

    @BeforeAll
    void load() {
        llama = LlamaModel.load(TestModels.tinyLlama());
    }

    @AfterAll
    void close() {
        llama.close();
    }

    @Test
    void reusesOneContextForSequentialWork() {
        try (ContextPool pool = new ContextPool(llama, options, 3, "test pool")) {
            LlamaContext first = pool.withContext(c -> c);
            LlamaContext second = pool.withContext(c -> c);
            assertSame(first, second);
            assertEquals(1, pool.size());
        }
    }

    @Test
    void neverLendsMoreContextsThanItsCapacity() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(5);
        try (ContextPool pool = new ContextPool(llama, options, 2, "test pool")) {
            AtomicInteger inUse = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            // The first two borrowers wait for each other, so the pool must lend two at once
            // however slowly the machine creates contexts; the other three must wait for them.
            CountDownLatch twoInside = new CountDownLatch(2);
            List<Future<LlamaContext>> results = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                results.add(threads.submit(() -> pool.withContext(context -> {
                    most.accumulateAndGet(inUse.incrementAndGet(), Math::max);
                    twoInside.countDown();
                    await(twoInside);
                    sleep(20);
                    inUse.decrementAndGet();
                    return context;
                })));
            }
            java.util.Set<LlamaContext> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (Future<LlamaContext> result : results) {
                distinct.add(result.get(60, TimeUnit.SECONDS));
            }
            assertEquals(2, most.get());
            assertEquals(2, distinct.size());
            assertEquals(2, pool.size());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void closeClosesIdleContextsAndRefusesNewWork() {
        ContextPool pool = new ContextPool(llama, options, 1, "test pool");
        LlamaContext context = pool.withContext(c -> c);
        pool.close();
        assertTrue(context.isClosed());
        assertFalse(llama.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.withContext(c -> c));
        assertEquals("test pool is closed", e.getMessage());
    }

    @Test
    void closeAbortsABusyContextAndClosesItWhenItComesBack() throws Exception {
        ContextPool pool = new ContextPool(llama, options, 1, "test pool");
        CountDownLatch generating = new CountDownLatch(1);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<Completion> running = thread.submit(() -> pool.withContext(context -> context.complete("Once upon",
                    GenerationOptions.builder().maxTokens(100).build(), piece -> {
                        generating.countDown();
                        sleep(20); // slow enough for the close to land mid-generation
                    })));
            assertTrue(generating.await(60, TimeUnit.SECONDS));
            assertEquals(1, pool.size());
            pool.close();
            Completion completion = running.get(60, TimeUnit.SECONDS);
            assertEquals(StopReason.CANCELLED, completion.stopReason());
            assertTrue(completion.tokens().length < 100);
            assertEquals(0, pool.size());
        } finally {
            thread.shutdownNow();
        }
    }

    @Test
    void closeWakesWaitersWithAnError() throws Exception {
        ContextPool pool = new ContextPool(llama, options, 1, "test pool");
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> holder = threads.submit(() -> pool.withContext(c -> {
                holding.countDown();
                await(release);
                return null;
            }));
            assertTrue(holding.await(60, TimeUnit.SECONDS));
            Future<?> waiter = threads.submit(() -> pool.withContext(c -> c));
            sleep(100); // let it block on the busy pool
            assertFalse(waiter.isDone());
            pool.close();
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> waiter.get(60, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e.getCause());
            release.countDown();
            holder.get(60, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void capacityMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ContextPool(llama, options, 0, "test pool"));
        assertEquals("test pool: capacity must be >= 1: 0", e.getMessage());
    }

    @Test
    void tryAcquireWaitsOnlyAsLongAsAsked() throws Exception {
        try (ContextPool pool = new ContextPool(llama, options, 1)) {
            LlamaContext lent = pool.acquire();
            long start = System.nanoTime();
            assertEquals(java.util.Optional.empty(), pool.tryAcquire(Duration.ofMillis(100)));
            assertTrue(System.nanoTime() - start >= 90_000_000L, "waited the timeout");
            pool.release(lent);
            assertSame(lent, pool.tryAcquire(Duration.ZERO).orElseThrow());
            pool.release(lent);
        }
    }

    @Test
    void releaseRefusesAContextThePoolDidNotLend() {
        try (ContextPool pool = new ContextPool(llama, options, 1, "test pool");
                LlamaContext stranger = llama.newContext(options)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pool.release(stranger));
            assertEquals("test pool did not lend this context, or it was already released", e.getMessage());
            LlamaContext lent = pool.withContext(c -> c);
            assertThrows(IllegalArgumentException.class, () -> pool.release(lent), "released twice");
        }
    }

    @Test
    void fillCreatesEveryContextUpFront() {
        try (ContextPool pool = new ContextPool(llama, options, 3)) {
            assertEquals(0, pool.size());
            pool.fill();
            assertEquals(3, pool.size());
            assertEquals(3, pool.capacity());
            pool.fill();
            assertEquals(3, pool.size());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
