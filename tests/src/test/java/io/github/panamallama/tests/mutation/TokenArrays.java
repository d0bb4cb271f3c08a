package io.github.panamallama.tests.mutation;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads a STRING array entry back into Java strings. */
final class TokenArrays {
    private TokenArrays() {}

    static List<String> strings(GgufLayout.Entry entry) {
        ByteBuffer in = ByteBuffer.wrap(entry.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        in.position(8 + entry.key().getBytes(StandardCharsets.UTF_8).length + 4 + 4); // key, type, element type
        long count = in.getLong();
        List<String> strings = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            byte[] bytes = new byte[(int) in.getLong()];
            in.get(bytes);
            strings.add(new String(bytes, StandardCharsets.UTF_8));
        }
        return strings;
    }
}
