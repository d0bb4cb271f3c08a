package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContextMemoryTest {
    private LlamaModel model;
    private final ContextOptions two = ContextOptions.builder().contextLength(256).batchSize(64).threads(1)
            .sequences(2).unifiedMemory(true).build();

    @BeforeAll
    void load() {
        model = LlamaModel.load(TestModels.tinyLlama());
    }

    @AfterAll
    void close() {
        model.close();
    }

    @Test
    void positionsTrackDecodedTokens() {
        try (LlamaContext context = model.newContext(two); Batch batch = new Batch(8)) {
            ContextMemory memory = context.memory();
            assertTrue(memory.maxPosition(0).isEmpty());
            batch.addSequence(new int[] {1, 290, 291, 292, 293}, 0, 0, true);
            context.decode(batch);
            assertEquals(0, memory.minPosition(0).getAsInt());
            assertEquals(4, memory.maxPosition(0).getAsInt());

            assertTrue(memory.removeTokens(0, 3, Integer.MAX_VALUE));
            assertEquals(2, memory.maxPosition(0).getAsInt());

            memory.copySequence(0, 1);
            assertEquals(2, memory.maxPosition(1).getAsInt());
            memory.keepOnly(1);
            assertTrue(memory.maxPosition(0).isEmpty());
            assertEquals(2, memory.maxPosition(1).getAsInt());

            assertTrue(memory.canShift());
            memory.shiftPositions(1, 0, Integer.MAX_VALUE, 10);
            assertEquals(10, memory.minPosition(1).getAsInt());
            assertEquals(12, memory.maxPosition(1).getAsInt());
            memory.dividePositions(1, 0, Integer.MAX_VALUE, 2);
            assertEquals(6, memory.maxPosition(1).getAsInt());

            memory.removeSequence(1);
            assertTrue(memory.maxPosition(1).isEmpty());
            batch.clear();
            batch.add(1, 0, true, 1);
            context.decode(batch);
            memory.clear();
            assertTrue(memory.maxPosition(1).isEmpty());
        }
    }

    @Test
    void truncatingAndRedecodingGivesTheSameLogits() {
        try (LlamaContext context = model.newContext(two); Batch batch = new Batch(8)) {
            batch.addSequence(new int[] {1, 290, 291, 292}, 0, 0, true);
            context.decode(batch);
            float[] before = context.lastLogits();
            context.memory().removeTokens(0, 3, Integer.MAX_VALUE);
            batch.clear();
            batch.add(292, 3, true);
            context.decode(batch);
            // A single-token decode takes other kernels than a batch: equal up to rounding.
            assertArrayEquals(before, context.lastLogits(), 1e-4f);
        }
    }

    @Test
    void separateStreamsKeepOtherSequencesOnKeepOnly() {
        ContextOptions separate = ContextOptions.builder().contextLength(256).batchSize(64).threads(1)
                .sequences(2).unifiedMemory(false).build();
        try (LlamaContext context = model.newContext(separate); Batch batch = new Batch(8)) {
            batch.addSequence(new int[] {1, 290, 291}, 0, 0, true);
            context.decode(batch);
            context.memory().copySequence(0, 1);
            context.memory().keepOnly(1);
            assertEquals(2, context.memory().maxPosition(1).getAsInt());
            assertEquals(2, context.memory().maxPosition(0).getAsInt(), "llama.cpp: keep acts on sequence 1's stream only");
        }
    }

    @Test
    void invalidArgumentsNameTheValue() {
        try (LlamaContext context = model.newContext(two)) {
            ContextMemory memory = context.memory();
            assertTrue(assertThrows(IllegalArgumentException.class, () -> memory.maxPosition(2)).getMessage().contains("2"));
            assertThrows(IllegalArgumentException.class, () -> memory.removeTokens(-1, 0, 1));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> memory.removeTokens(0, 5, 3))
                    .getMessage().contains("[5, 3)"));
            assertThrows(IllegalArgumentException.class, () -> memory.copySequence(0, 7));
            assertThrows(IllegalArgumentException.class, () -> memory.dividePositions(0, 0, 10, 1));
            assertThrows(IllegalArgumentException.class, () -> memory.keepOnly(-1));
        }
    }

    @Test
    void closedContextClosesItsMemory() {
        LlamaContext context = model.newContext(two);
        ContextMemory memory = context.memory();
        context.close();
        assertThrows(IllegalStateException.class, memory::clear);
    }
}
