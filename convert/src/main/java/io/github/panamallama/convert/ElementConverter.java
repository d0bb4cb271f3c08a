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
        bytes(to); // rejects non-float targets before anything is written
        if (from == to) {
            int length = count * bytes(from);
            int limit = source.limit();
            source.limit(source.position() + length);
            target.put(source);
            source.limit(limit);
            return;
        }
        // one tight loop per pair of types: the per-element work is a few instructions, so
        // dispatching on the types inside the loop would dominate it
        int in = source.position();
        int out = target.position();
        switch (from) {
            case F32 -> {
                for (int i = 0; i < count; i++, in += 4) {
                    float value = source.getFloat(in);
                    if (to == GgmlType.F16) {
                        target.putShort(out, Float.floatToFloat16(value));
                    } else {
                        target.putShort(out, floatToBf16(value));
                    }
                    out += 2;
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++, in += 2) {
                    float value = Float.float16ToFloat(source.getShort(in));
                    if (to == GgmlType.F32) {
                        target.putFloat(out, value);
                        out += 4;
                    } else {
                        target.putShort(out, floatToBf16(value));
                        out += 2;
                    }
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++, in += 2) {
                    float value = bf16ToFloat(source.getShort(in));
                    if (to == GgmlType.F32) {
                        target.putFloat(out, value);
                        out += 4;
                    } else {
                        target.putShort(out, Float.floatToFloat16(value));
                        out += 2;
                    }
                }
            }
            default -> throw new IllegalArgumentException("not a float type for conversion: " + from);
        }
        source.position(in);
        target.position(out);
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
