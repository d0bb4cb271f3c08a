package io.github.panamallama.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class GgufValueTest {
    @Test
    void typedAccessorsWidenIntegersAndRefuseOtherTypes() {
        assertEquals(255, new GgufValue.UInt8(255).asLong());
        assertEquals(-1, new GgufValue.Int8((byte) -1).asLong());
        assertEquals(4_000_000_000L, new GgufValue.UInt32(4_000_000_000L).asLong());
        assertEquals(-1L, new GgufValue.UInt64(-1L).asLong(), "UINT64 keeps its raw bits");
        assertEquals(0.5, new GgufValue.Float32(0.5f).asDouble());
        assertEquals(7.0, new GgufValue.Int16((short) 7).asDouble());
        assertEquals("x", GgufValue.string("x").asString());
        assertEquals(true, GgufValue.bool(true).asBoolean());
        assertEquals(List.of(GgufValue.int32(1), GgufValue.int32(2)), GgufValue.int32s(new int[] {1, 2}).asList());
        assertThrows(IllegalStateException.class, () -> GgufValue.string("x").asLong());
        assertThrows(IllegalStateException.class, () -> GgufValue.float32(1).asLong());
        assertThrows(IllegalStateException.class, () -> GgufValue.int32(1).asString());
        assertThrows(IllegalStateException.class, () -> GgufValue.int32(1).asBoolean());
        assertThrows(IllegalStateException.class, () -> GgufValue.int32(1).asList());
    }

    @Test
    void unsignedRangesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new GgufValue.UInt8(-1));
        assertThrows(IllegalArgumentException.class, () -> new GgufValue.UInt16(65536));
        assertThrows(IllegalArgumentException.class, () -> new GgufValue.UInt32(1L << 32));
        assertThrows(IllegalArgumentException.class, () -> GgufValue.uint32(-1));
        assertThrows(NullPointerException.class, () -> new GgufValue.Str(null));
    }

    @Test
    void typeIdsMatchGgufSpec() {
        assertEquals(GgufValueType.STRING, GgufValue.string("").type());
        assertEquals(8, GgufValueType.STRING.id());
        assertEquals(9, GgufValueType.ARRAY.id());
        assertEquals(12, GgufValueType.FLOAT64.id());
        assertEquals(GgufValueType.UINT64, GgufValueType.fromId(10).orElseThrow());
        assertEquals(java.util.Optional.empty(), GgufValueType.fromId(13));
    }
}
