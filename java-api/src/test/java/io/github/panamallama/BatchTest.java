package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class BatchTest {
    @Test
    void addAndClear() {
        try (Batch batch = new Batch(4, 2)) {
            assertEquals(4, batch.capacity());
            assertTrue(batch.isEmpty());
            batch.add(5, 0, false, 0).add(6, 1, true, 0, 1);
            assertEquals(2, batch.size());
            assertEquals(6, batch.token(1));
            assertEquals(1, batch.position(1));
            assertTrue(batch.computesLogits(1));
            assertFalse(batch.computesLogits(0));
            batch.clear();
            assertEquals(0, batch.size());
            assertThrows(IndexOutOfBoundsException.class, () -> batch.token(0));
        }
    }

    @Test
    void addSequenceMarksOnlyTheLast() {
        try (Batch batch = new Batch(8)) {
            batch.addSequence(new int[] {1, 2, 3}, 10, 0, true);
            assertEquals(3, batch.size());
            assertEquals(12, batch.position(2));
            assertFalse(batch.computesLogits(1));
            assertTrue(batch.computesLogits(2));
            IllegalStateException full = assertThrows(IllegalStateException.class,
                    () -> batch.addSequence(new int[6], 0, 0, false));
            assertTrue(full.getMessage().contains("5"), full.getMessage());
        }
    }

    @Test
    void capacityIsEnforced() {
        try (Batch batch = new Batch(1)) {
            batch.add(1, 0, true);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> batch.add(2, 1, true));
            assertTrue(e.getMessage().contains("capacity 1"), e.getMessage());
        }
    }

    @Test
    void badValuesNameTheValue() {
        try (Batch batch = new Batch(4, 2)) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> batch.add(-3, 0, true))
                    .getMessage().contains("-3"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> batch.add(1, -7, true))
                    .getMessage().contains("-7"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> batch.add(1, 0, true, 999))
                    .getMessage().contains("999"));
            assertThrows(IllegalArgumentException.class, () -> batch.add(1, 0, true, 0, 1, 2));
            assertThrows(IllegalArgumentException.class, () -> batch.add(1, 0, true, new int[0]));
            assertEquals(0, batch.size(), "failed adds leave the batch unchanged");
        }
        assertThrows(IllegalArgumentException.class, () -> new Batch(0));
        assertThrows(IllegalArgumentException.class, () -> new Batch(1, 0));
    }

    @Test
    void closedBatchThrows() {
        Batch batch = new Batch(2);
        batch.close();
        batch.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> batch.add(1, 0, true));
        assertTrue(e.getMessage().contains("Batch is closed"), e.getMessage());
    }
}
