package io.github.panamallama.gguf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One GGUF metadata value: a scalar of one of the twelve scalar types, or an array of one scalar
 * type. Arrays of arrays are not representable: llama.cpp rejects them when it reads a file.
 * Unsigned types hold their value widened (UINT8, UINT16 as int, UINT32 as long); UINT64 holds
 * the raw 64 bits in a long.
 */
public sealed interface GgufValue {
    GgufValueType type();

    record UInt8(int value) implements GgufValue {
        public UInt8 {
            requireRange(value, 0, 0xFF, "UINT8");
        }

        @Override
        public GgufValueType type() {
            return GgufValueType.UINT8;
        }
    }

    record Int8(byte value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.INT8;
        }
    }

    record UInt16(int value) implements GgufValue {
        public UInt16 {
            requireRange(value, 0, 0xFFFF, "UINT16");
        }

        @Override
        public GgufValueType type() {
            return GgufValueType.UINT16;
        }
    }

    record Int16(short value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.INT16;
        }
    }

    record UInt32(long value) implements GgufValue {
        public UInt32 {
            requireRange(value, 0, 0xFFFF_FFFFL, "UINT32");
        }

        @Override
        public GgufValueType type() {
            return GgufValueType.UINT32;
        }
    }

    record Int32(int value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.INT32;
        }
    }

    /** The raw 64 bits; use {@link Long#toUnsignedString(long)} to show values above 2^63. */
    record UInt64(long value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.UINT64;
        }
    }

    record Int64(long value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.INT64;
        }
    }

    record Float32(float value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.FLOAT32;
        }
    }

    record Float64(double value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.FLOAT64;
        }
    }

    record Bool(boolean value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.BOOL;
        }
    }

    record Str(String value) implements GgufValue {
        public Str {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public GgufValueType type() {
            return GgufValueType.STRING;
        }
    }

    /** Elements all of {@code elementType}, which is never {@link GgufValueType#ARRAY}. */
    record Array(GgufValueType elementType, List<GgufValue> elements) implements GgufValue {
        public Array {
            Objects.requireNonNull(elementType, "elementType");
            if (elementType == GgufValueType.ARRAY) {
                throw new IllegalArgumentException("arrays of arrays are not supported by llama.cpp");
            }
            elements = List.copyOf(elements);
            for (int i = 0; i < elements.size(); i++) {
                if (elements.get(i).type() != elementType) {
                    throw new IllegalArgumentException("element " + i + " is " + elements.get(i).type()
                            + " in an array of " + elementType);
                }
            }
        }

        @Override
        public GgufValueType type() {
            return GgufValueType.ARRAY;
        }
    }

    static GgufValue string(String value) {
        return new Str(value);
    }

    static GgufValue uint32(long value) {
        return new UInt32(value);
    }

    static GgufValue int32(int value) {
        return new Int32(value);
    }

    static GgufValue float32(float value) {
        return new Float32(value);
    }

    static GgufValue bool(boolean value) {
        return new Bool(value);
    }

    static GgufValue strings(List<String> values) {
        List<GgufValue> elements = new ArrayList<>(values.size());
        values.forEach(value -> elements.add(new Str(value)));
        return new Array(GgufValueType.STRING, elements);
    }

    static GgufValue float32s(float[] values) {
        List<GgufValue> elements = new ArrayList<>(values.length);
        for (float value : values) {
            elements.add(new Float32(value));
        }
        return new Array(GgufValueType.FLOAT32, elements);
    }

    static GgufValue int32s(int[] values) {
        List<GgufValue> elements = new ArrayList<>(values.length);
        for (int value : values) {
            elements.add(new Int32(value));
        }
        return new Array(GgufValueType.INT32, elements);
    }

    /** The text of a STRING value. */
    default String asString() {
        if (this instanceof Str(String value)) {
            return value;
        }
        throw new IllegalStateException("not a STRING but " + type());
    }

    /** Any integer type as a long (UINT64 above 2^63 comes back negative). */
    default long asLong() {
        return switch (this) {
            case UInt8(int v) -> v;
            case Int8(byte v) -> v;
            case UInt16(int v) -> v;
            case Int16(short v) -> v;
            case UInt32(long v) -> v;
            case Int32(int v) -> v;
            case UInt64(long v) -> v;
            case Int64(long v) -> v;
            default -> throw new IllegalStateException("not an integer but " + type());
        };
    }

    /** Any numeric type as a double. */
    default double asDouble() {
        return switch (this) {
            case Float32(float v) -> v;
            case Float64(double v) -> v;
            default -> asLong();
        };
    }

    default boolean asBoolean() {
        if (this instanceof Bool(boolean value)) {
            return value;
        }
        throw new IllegalStateException("not a BOOL but " + type());
    }

    /** The elements of an ARRAY value. */
    default List<GgufValue> asList() {
        if (this instanceof Array(GgufValueType ignored, List<GgufValue> elements)) {
            return elements;
        }
        throw new IllegalStateException("not an ARRAY but " + type());
    }

    private static void requireRange(long value, long min, long max, String type) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(type + " out of range: " + value);
        }
    }
}
