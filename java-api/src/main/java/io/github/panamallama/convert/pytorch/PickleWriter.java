package io.github.panamallama.convert.pytorch;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Emits pickle protocol 2 opcodes the way CPython's pickler does for a torch state dict:
 * globals and repeated strings are memoized and referenced again with BINGET.
 */
final class PickleWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<Object, Integer> memo = new HashMap<>();

    PickleWriter protocol2() {
        out.write(0x80);
        out.write(2);
        return this;
    }

    PickleWriter op(char opcode) {
        out.write(opcode);
        return this;
    }

    PickleWriter op(int opcode) {
        out.write(opcode);
        return this;
    }

    /** A GLOBAL, memoized on first use like CPython's pickler. */
    PickleWriter global(String module, String name) {
        String key = "global:" + module + "\n" + name;
        if (recall(key)) {
            return this;
        }
        out.write('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        return memoize(key);
    }

    /** A str, memoized so that a repeated one (e.g. 'cpu') becomes a BINGET. */
    PickleWriter string(String text) {
        String key = "str:" + text;
        if (recall(key)) {
            return this;
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        writeLE(utf8.length, 4);
        out.writeBytes(utf8);
        return memoize(key);
    }

    /** The shortest of BININT1, BININT2, BININT and LONG1 for the value, as CPython picks. */
    PickleWriter integer(long value) {
        if (value >= 0 && value <= 0xff) {
            out.write('K');
            writeLE(value, 1);
        } else if (value >= 0 && value <= 0xffff) {
            out.write('M');
            writeLE(value, 2);
        } else if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
            out.write('J');
            writeLE(value, 4);
        } else {
            int bytes = 8;
            while (bytes > 1 && (value >> (8 * (bytes - 1) - 1)) == (value >> 63)) {
                bytes--;
            }
            out.write(0x8a);
            out.write(bytes);
            writeLE(value, bytes);
        }
        return this;
    }

    /** A tuple of the integers, with the short TUPLE1..3 forms where they apply. */
    PickleWriter integerTuple(long[] values) {
        if (values.length == 0) {
            return op(')');
        }
        if (values.length > 3) {
            op('(');
        }
        for (long value : values) {
            integer(value);
        }
        op(switch (values.length) {
            case 1 -> 0x85;
            case 2 -> 0x86;
            case 3 -> 0x87;
            default -> 't';
        });
        return anonymousMemo();
    }

    /** BINPUT/LONG_BINPUT of an object that is never referenced again (CPython memoizes tuples too). */
    PickleWriter anonymousMemo() {
        return memoize(new Object());
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private boolean recall(Object key) {
        Integer index = memo.get(key);
        if (index == null) {
            return false;
        }
        if (index <= 0xff) {
            out.write('h');
            writeLE(index, 1);
        } else {
            out.write('j');
            writeLE(index, 4);
        }
        return true;
    }

    private PickleWriter memoize(Object key) {
        int index = memo.size();
        memo.put(key, index);
        if (index <= 0xff) {
            out.write('q');
            writeLE(index, 1);
        } else {
            out.write('r');
            writeLE(index, 4);
        }
        return this;
    }

    private void writeLE(long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (value >>> (8 * i)) & 0xff);
        }
    }
}
