package io.github.panamallama.internal.generation;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8AssemblerTest {
    private static String feedBytewise(Utf8Assembler utf8, String text, StringBuilder pieces) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            String piece = utf8.append(new byte[] {b}, 0, 1);
            assertFalse(piece.contains("\uFFFD"), "split character in " + piece);
            out.append(piece);
            pieces.append(piece.isEmpty() ? "" : "|" + piece);
        }
        return out.toString();
    }

    @Test
    void holdsIncompleteCharactersBack() {
        Utf8Assembler utf8 = new Utf8Assembler();
        StringBuilder pieces = new StringBuilder();
        String text = "a🦙é日本 z";
        assertEquals(text, feedBytewise(utf8, text, pieces));
        assertEquals("|a|🦙|é|日|本| |z", pieces.toString());
        assertEquals(0, utf8.pending());
    }

    @Test
    void partialSequencesAcrossPieces() {
        Utf8Assembler utf8 = new Utf8Assembler();
        byte[] llama = "🦙".getBytes(StandardCharsets.UTF_8);
        assertEquals("", utf8.append(llama, 0, 3));
        assertEquals(3, utf8.pending());
        assertEquals("🦙x", utf8.append(new byte[] {llama[3], 'x'}, 0, 2));
    }

    @Test
    void flushReplacesAnUnfinishedCharacter() {
        Utf8Assembler utf8 = new Utf8Assembler();
        assertEquals("ok", utf8.append(new byte[] {'o', 'k', (byte) 0xF0, (byte) 0x9F}, 0, 4));
        assertEquals("\uFFFD", utf8.flush());
        assertEquals("", utf8.flush());
    }

    @Test
    void invalidBytesDoNotStall() {
        Utf8Assembler utf8 = new Utf8Assembler();
        assertEquals("\uFFFD\uFFFDa", utf8.append(new byte[] {(byte) 0x80, (byte) 0x80, 'a'}, 0, 3));
    }
}
