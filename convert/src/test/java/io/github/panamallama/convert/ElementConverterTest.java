package io.github.panamallama.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.panamallama.gguf.GgmlType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class ElementConverterTest {
    private static short toBf16(int floatBits) {
        return ElementConverter.floatToBf16(Float.intBitsToFloat(floatBits));
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertEquals((short) 0x3F80, toBf16(0x3F800000)); // 1.0
        assertEquals((short) 0x3F80, toBf16(0x3F808000)); // halfway, even below
        assertEquals((short) 0x3F82, toBf16(0x3F818000)); // halfway, even above
        assertEquals((short) 0x3F81, toBf16(0x3F808001)); // just above halfway
        assertEquals((short) 0x3F80, toBf16(0x3F807FFF)); // just below halfway
        assertEquals((short) 0x3EAB, ElementConverter.floatToBf16(1f / 3));
        assertEquals((short) 0x8000, ElementConverter.floatToBf16(-0f));
        assertEquals((short) 0x7F80, ElementConverter.floatToBf16(Float.POSITIVE_INFINITY));
        assertEquals((short) 0x7F80, toBf16(0x7F7FFFFF)); // max float rounds up to infinity
        assertEquals((short) 0xFFC0, toBf16(0xFF800001)); // signalling NaN: quiet, sign kept
        assertEquals((short) 0x7FC0, toBf16(0x7FC00000));
        assertEquals(1.0078125f, ElementConverter.bf16ToFloat((short) 0x3F81));
    }

    @Test
    void convertsBuffersBetweenAllTypes() {
        float[] values = {1f, -2.5f, 1f / 3, 65504f, 65520f, 5.9604645e-8f, 1e-10f};
        short[] f16 = {0x3C00, (short) 0xC100, 0x3555, 0x7BFF, 0x7C00, 0x0001, 0x0000};
        short[] bf16 = {0x3F80, (short) 0xC020, 0x3EAB, 0x4780, 0x4780, 0x3380, 0x2EDC};
        ByteBuffer f32 = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            f32.putFloat(value);
        }
        assertArrayEquals(f16, toShorts(convert(f32.flip(), GgmlType.F32, GgmlType.F16)));
        assertArrayEquals(bf16, toShorts(convert(f32.rewind(), GgmlType.F32, GgmlType.BF16)));
        ByteBuffer fromBf16 = convert(shorts(bf16), GgmlType.BF16, GgmlType.F32);
        assertEquals(0.333984375f, fromBf16.getFloat(8)); // 0x3EAB exactly
        ByteBuffer fromF16 = convert(shorts(f16), GgmlType.F16, GgmlType.F32);
        assertEquals(65504f, fromF16.getFloat(12));
        assertEquals(Float.POSITIVE_INFINITY, fromF16.getFloat(16));
        // BF16 1.0078125 (0x3F81) is exact in F16: 0x3C08; F16 -> BF16 rounds 1/3 again
        assertEquals((short) 0x3C08, convert(shorts(new short[] {0x3F81}), GgmlType.BF16, GgmlType.F16).getShort(0));
        assertEquals((short) 0x3EAB, convert(shorts(new short[] {0x3555}), GgmlType.F16, GgmlType.BF16).getShort(0));
        // same type: a byte copy
        assertEquals(shorts(bf16), convert(shorts(bf16), GgmlType.BF16, GgmlType.BF16));
    }

    private static ByteBuffer convert(ByteBuffer source, GgmlType from, GgmlType to) {
        ByteBuffer target = ByteBuffer.allocate(source.remaining() / ElementConverter.bytes(from) * ElementConverter.bytes(to))
                .order(ByteOrder.LITTLE_ENDIAN);
        ElementConverter.convert(source, from, target, to);
        assertEquals(0, target.remaining());
        return target.flip();
    }

    private static ByteBuffer shorts(short[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short value : values) {
            buffer.putShort(value);
        }
        return buffer.flip();
    }

    private static short[] toShorts(ByteBuffer buffer) {
        short[] values = new short[buffer.remaining() / 2];
        for (int i = 0; i < values.length; i++) {
            values[i] = buffer.getShort(2 * i);
        }
        return values;
    }
}
