package io.github.panamallama.convert;

import io.github.panamallama.gguf.GgmlType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Converts little-endian F32, F16 and BF16 elements between each other. Narrowing rounds to
 * nearest, ties to even (as numpy's astype and gguf-py's BF16 quantizer do); NaN stays NaN.
 */
final class ElementConverter {
    private ElementConverter() {
    }

    static int bytes(GgmlType type) {
        return switch (type) {
            case F32 -> 4;
            case F16, BF16 -> 2;
            default -> throw new IllegalArgumentException("not a float type for conversion: " + type);
        };
    }

    static GgmlType ggmlType(SourceType type) {
        return switch (type) {
            case F32 -> GgmlType.F32;
            case F16 -> GgmlType.F16;
            case BF16 -> GgmlType.BF16;
        };
    }

    /**
     * Converts every whole element remaining in {@code source} into {@code target}; both advance.
     * {@code target} must have room for them.
     */
    static void convert(ByteBuffer source, GgmlType from, ByteBuffer target, GgmlType to) {
        source.order(ByteOrder.LITTLE_ENDIAN);
        target.order(ByteOrder.LITTLE_ENDIAN);
        int count = source.remaining() / bytes(from);
        if (from == to) {
            int length = count * bytes(from);
            int limit = source.limit();
            source.limit(source.position() + length);
            target.put(source);
            source.limit(limit);
            return;
        }
        for (int i = 0; i < count; i++) {
            float value = switch (from) {
                case F32 -> source.getFloat();
                case F16 -> Float.float16ToFloat(source.getShort());
                case BF16 -> bf16ToFloat(source.getShort());
                default -> throw new IllegalArgumentException(from.toString());
            };
            switch (to) {
                case F32 -> target.putFloat(value);
                case F16 -> target.putShort(Float.floatToFloat16(value));
                case BF16 -> target.putShort(floatToBf16(value));
                default -> throw new IllegalArgumentException(to.toString());
            }
        }
    }

    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round to nearest even; a NaN keeps its sign and becomes a quiet NaN. */
    static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }
}
