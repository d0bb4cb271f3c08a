package io.github.panamallama.tests.mutation;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** GGUF's little-endian value encoding, written by hand so that any type/value pair can be made. */
public final class GgufEncoding {
    public static final int UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6,
            BOOL = 7, STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12;
    static final String[] NAMES = {"u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "str", "arr", "u64",
        "i64", "f64"};

    private GgufEncoding() {}

    /**
     * A typed value as it follows a key: the type id, then the payload.
     *
     * @param text how the recipe shows it, e.g. {@code u32:513}
     */
    public record Value(byte[] bytes, String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    static int scalarSize(int type) {
        return switch (type) {
            case UINT8, INT8, BOOL -> 1;
            case UINT16, INT16 -> 2;
            case UINT32, INT32, FLOAT32 -> 4;
            case UINT64, INT64, FLOAT64 -> 8;
            default -> throw new IllegalArgumentException("not a fixed-size type: " + type);
        };
    }

    /** An integer of an integer type (or BOOL), truncated to the type's width. */
    public static Value integer(int type, long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeInt(out, type);
        writeScalarBits(out, type, value);
        return new Value(out.toByteArray(), NAMES[type] + ":" + shown(type, value));
    }

    private static String shown(int type, long value) {
        return switch (type) {
            case UINT8 -> Long.toString(value & 0xFF);
            case UINT16 -> Long.toString(value & 0xFFFF);
            case UINT32 -> Long.toString(value & 0xFFFF_FFFFL);
            case INT8 -> Byte.toString((byte) value);
            case INT16 -> Short.toString((short) value);
            case INT32 -> Integer.toString((int) value);
            case UINT64 -> Long.toUnsignedString(value);
            default -> Long.toString(value);
        };
    }

    public static Value float32(float value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeInt(out, FLOAT32);
        writeInt(out, Float.floatToRawIntBits(value));
        return new Value(out.toByteArray(), "f32:" + value);
    }

    public static Value float64(double value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeInt(out, FLOAT64);
        writeLong(out, Double.doubleToRawLongBits(value));
        return new Value(out.toByteArray(), "f64:" + value);
    }

    public static Value string(byte[] utf8, String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeInt(out, STRING);
        writeString(out, utf8);
        return new Value(out.toByteArray(), "str:" + text);
    }

    public static Value string(String value) {
        return string(value.getBytes(StandardCharsets.UTF_8), "\"" + value + "\"");
    }

    /** An array of {@code count} copies of one element (given as a Value of a scalar type). */
    public static Value arrayOf(Value element, int count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeInt(out, ARRAY);
        out.write(element.bytes(), 0, 4); // element type
        writeLong(out, count);
        for (int i = 0; i < count; i++) {
            out.write(element.bytes(), 4, element.bytes().length - 4);
        }
        return new Value(out.toByteArray(), "arr[" + count + " x " + element.text() + "]");
    }

    /** An array with an explicit element list (all of the same type). */
    public static Value arrayOf(int elementType, Value[] elements, String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeInt(out, ARRAY);
        writeInt(out, elementType);
        writeLong(out, elements.length);
        for (Value element : elements) {
            out.write(element.bytes(), 4, element.bytes().length - 4);
        }
        return new Value(out.toByteArray(), text);
    }

    /** A key-value entry: the key string followed by the typed value. */
    public static byte[] entry(String key, Value value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeString(out, key.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(value.bytes());
        return out.toByteArray();
    }

    /** The typed value part of an existing entry (after the key). */
    public static Value valueOf(GgufLayout.Entry entry, String text) {
        int keyLength = entry.key().getBytes(StandardCharsets.UTF_8).length;
        return new Value(Arrays.copyOfRange(entry.bytes(), 8 + keyLength, entry.bytes().length), text);
    }

    static void writeScalarBits(ByteArrayOutputStream out, int type, long value) {
        for (int i = 0; i < scalarSize(type); i++) {
            out.write((int) (value >>> (8 * i)) & 0xFF);
        }
    }

    static void writeInt(ByteArrayOutputStream out, int value) {
        writeScalarBits(out, UINT32, value);
    }

    static void writeLong(ByteArrayOutputStream out, long value) {
        writeScalarBits(out, UINT64, value);
    }

    static void writeString(ByteArrayOutputStream out, byte[] utf8) {
        writeLong(out, utf8.length);
        out.writeBytes(utf8);
    }
}
