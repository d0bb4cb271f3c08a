package io.github.panamallama.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Token bytes to text: a character split over byte-fallback tokens comes out whole, once. */
class Utf8PiecesTest {
    private static byte[] bytes(int... values) {
        byte[] result = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (byte) values[i];
        }
        return result;
    }

    @Test
    void asciiPassesStraightThrough() {
        Utf8Pieces pieces = new Utf8Pieces();
        assertEquals(" hello", pieces.append(" hello".getBytes(StandardCharsets.UTF_8)));
        assertEquals("", pieces.flush());
    }

    @Test
    void aTwoByteCharacterSplitOverTwoTokensIsHeldUntilComplete() {
        Utf8Pieces pieces = new Utf8Pieces();
        assertEquals("caf", pieces.append(bytes('c', 'a', 'f', 0xC3)));
        assertEquals("é!", pieces.append(bytes(0xA9, '!')));
    }

    @Test
    void aFourByteCharacterByteByByte() {
        Utf8Pieces pieces = new Utf8Pieces();
        byte[] emoji = "🙂".getBytes(StandardCharsets.UTF_8);
        assertEquals(4, emoji.length);
        assertEquals("", pieces.append(bytes(emoji[0] & 0xFF)));
        assertEquals("", pieces.append(bytes(emoji[1] & 0xFF)));
        assertEquals("", pieces.append(bytes(emoji[2] & 0xFF)));
        assertEquals("🙂", pieces.append(bytes(emoji[3] & 0xFF)));
    }

    @Test
    void threeByteCharacterAfterCompleteText() {
        Utf8Pieces pieces = new Utf8Pieces();
        byte[] han = "京".getBytes(StandardCharsets.UTF_8);
        assertEquals("a", pieces.append(bytes('a', han[0] & 0xFF, han[1] & 0xFF)));
        assertEquals("京", pieces.append(bytes(han[2] & 0xFF)));
    }

    @Test
    void malformedBytesBecomeReplacementCharactersAndDoNotBlockLaterText() {
        Utf8Pieces pieces = new Utf8Pieces();
        assertEquals("\uFFFDx", pieces.append(bytes(0xC3, 'x')));
        assertEquals("\uFFFD", pieces.append(bytes(0xA9)));
        assertEquals("", pieces.append(bytes(0xE4, 0xBA)));
        assertEquals("\uFFFD", pieces.flush(), "an unfinished character at the end");
        assertEquals("", pieces.flush());
    }
}
