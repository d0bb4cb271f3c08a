package io.github.panamallama.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GgmlTypeTest {
    @Test
    void idsMatchGgmlEnum() {
        assertEquals(0, GgmlType.F32.id());
        assertEquals(1, GgmlType.F16.id());
        assertEquals(30, GgmlType.BF16.id());
        assertEquals(12, GgmlType.Q4_K.id());
        assertEquals(42, GgmlType.Q2_0.id());
        assertEquals(GgmlType.Q8_0, GgmlType.fromId(8).orElseThrow());
        // removed types and out-of-range ids are unknown
        for (int id : new int[] {4, 5, 31, 32, 33, 36, 37, 38, 43, -1, 1000}) {
            assertTrue(GgmlType.fromId(id).isEmpty(), "id " + id);
        }
        assertEquals(35, GgmlType.values().length);
        assertEquals(GgmlType.values().length, Arrays.stream(GgmlType.values()).mapToInt(GgmlType::id).distinct().count());
    }

    @Test
    void byteSizesFollowBlockGeometry() {
        assertEquals(4L * 4096 * 32000, GgmlType.F32.byteSize(4096, 32000));
        assertEquals(2L * 4096, GgmlType.BF16.byteSize(4096));
        assertEquals(18L * 128 * 10, GgmlType.Q4_0.byteSize(4096, 10));
        assertEquals(144L * 16 * 3, GgmlType.Q4_K.byteSize(4096, 3));
        assertEquals(210L, GgmlType.Q6_K.byteSize(256));
        assertEquals(0L, GgmlType.F16.byteSize(0, 7));
    }

    @Test
    void rejectsPartialBlocksNegativesAndOverflow() {
        assertThrows(IllegalArgumentException.class, () -> GgmlType.Q4_0.byteSize(33));
        assertThrows(IllegalArgumentException.class, () -> GgmlType.F32.byteSize(4, -1));
        assertThrows(IllegalArgumentException.class, () -> GgmlType.F32.byteSize(1L << 40, 1L << 40));
        assertThrows(IllegalArgumentException.class, () -> GgmlType.F32.byteSize());
    }
}
