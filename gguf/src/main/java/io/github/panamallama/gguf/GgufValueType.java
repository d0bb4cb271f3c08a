package io.github.panamallama.gguf;

import java.util.Optional;

/** The metadata value types of GGUF ({@code enum gguf_type}), with their on-disk ids. */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    /** Length-prefixed UTF-8: at least the 8-byte length on disk. */
    STRING(8, 8),
    /** Element type, count, elements: at least 12 bytes on disk. */
    ARRAY(9, 12),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private final int id;
    private final int minimumBytes;

    GgufValueType(int id, int minimumBytes) {
        this.id = id;
        this.minimumBytes = minimumBytes;
    }

    public int id() {
        return id;
    }

    /** The fewest bytes a value of this type takes in a file: bounds counts before allocating. */
    int minimumBytes() {
        return minimumBytes;
    }

    public static Optional<GgufValueType> fromId(int id) {
        for (GgufValueType type : values()) {
            if (type.id == id) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
