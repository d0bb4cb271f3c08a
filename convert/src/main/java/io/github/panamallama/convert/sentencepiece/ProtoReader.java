package io.github.panamallama.convert.sentencepiece;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * A minimal reader of the protobuf wire format over one message's bytes: just what
 * {@link SentencePieceModel} needs (varints, fixed 32/64-bit, length-delimited), with every
 * length checked against what is left so that a corrupt file fails with its offset instead
 * of allocating or reading past the end.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final byte[] data;
    private final int end;
    private final long baseOffset;
    private int position;

    private ProtoReader(byte[] data, int start, int end, long baseOffset) {
        this.data = data;
        this.position = start;
        this.end = end;
        this.baseOffset = baseOffset;
    }

    static ProtoReader of(byte[] data) {
        return new ProtoReader(data, 0, data.length, 0);
    }

    boolean hasMore() {
        return position < end;
    }

    /** Absolute offset in the file, for error messages. */
    long offset() {
        return baseOffset + position;
    }

    /** The next field's tag: field number in the upper bits, wire type in the lower three. */
    int readTag() throws IOException {
        long tagOffset = offset();
        long tag = readVarint();
        if (tag >>> 32 != 0 || (tag >>> 3) == 0) {
            throw new IOException("invalid protobuf tag " + tag + " at offset " + tagOffset);
        }
        return (int) tag;
    }

    static int fieldNumber(int tag) {
        return tag >>> 3;
    }

    static int wireType(int tag) {
        return tag & 7;
    }

    long readVarint() throws IOException {
        long start = offset();
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            require(1, "varint", start);
            byte b = data[position++];
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new IOException("varint longer than 10 bytes at offset " + start);
    }

    /** An int32/enum field: protobuf sign-extends negatives to 64 bits on the wire. */
    int readInt32() throws IOException {
        return (int) readVarint();
    }

    boolean readBool() throws IOException {
        return readVarint() != 0;
    }

    float readFloat() throws IOException {
        require(4, "fixed32", offset());
        int bits = (data[position] & 0xff) | (data[position + 1] & 0xff) << 8
                | (data[position + 2] & 0xff) << 16 | (data[position + 3] & 0xff) << 24;
        position += 4;
        return Float.intBitsToFloat(bits);
    }

    /** A nested message: a reader confined to its bytes. */
    ProtoReader readMessage() throws IOException {
        int length = readLength();
        ProtoReader nested = new ProtoReader(data, position, position + length, baseOffset);
        position += length;
        return nested;
    }

    String readString() throws IOException {
        long start = offset();
        int length = readLength();
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, position, length))
                    .toString();
            position += length;
            return text;
        } catch (CharacterCodingException e) {
            throw new IOException("string at offset " + start + " is not valid UTF-8", e);
        }
    }

    /** Skips a field this reader does not need. */
    void skip(int tag) throws IOException {
        switch (wireType(tag)) {
            case VARINT -> readVarint();
            case FIXED64 -> advance(8);
            case LENGTH_DELIMITED -> advance(readLength());
            case FIXED32 -> advance(4);
            default -> throw new IOException("unsupported protobuf wire type " + wireType(tag)
                    + " for field " + fieldNumber(tag) + " at offset " + offset());
        }
    }

    /** Fails unless the field has the wire type its declaration implies. */
    void expect(int tag, int wireType, String field) throws IOException {
        if (wireType(tag) != wireType) {
            throw new IOException("field " + field + " (number " + fieldNumber(tag) + ") has wire type "
                    + wireType(tag) + ", expected " + wireType + ", at offset " + offset());
        }
    }

    private int readLength() throws IOException {
        long start = offset();
        long length = readVarint();
        if (length < 0 || length > end - position) {
            throw new IOException("length " + length + " at offset " + start + " runs past the end of"
                    + " its message (" + (end - position) + " bytes left)");
        }
        return (int) length;
    }

    private void advance(int count) throws IOException {
        require(count, "field", offset());
        position += count;
    }

    private void require(int count, String what, long start) throws IOException {
        if (end - position < count) {
            throw new IOException("truncated " + what + " at offset " + start);
        }
    }
}
