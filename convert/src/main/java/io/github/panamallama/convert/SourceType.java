package io.github.panamallama.convert;

/** Element types a checkpoint tensor can have on input. */
public enum SourceType {
    F32(4),
    F16(2),
    BF16(2);

    private final int bytes;

    SourceType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }
}
