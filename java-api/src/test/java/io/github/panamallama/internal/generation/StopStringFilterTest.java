package io.github.panamallama.internal.generation;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringFilterTest {
    @Test
    void stopStringAcrossPiecesIsNeverEmitted() {
        StopStringFilter filter = new StopStringFilter(List.of("</answer>"));
        StringBuilder out = new StringBuilder();
        for (String piece : List.of("The result", " is 4<", "/ans", "wer> and more")) {
            out.append(filter.feed(piece));
            assertFalse(out.toString().contains("<"), out.toString());
        }
        assertTrue(filter.stopped());
        assertEquals("</answer>", filter.matched());
        assertEquals("The result is 4", out.toString());
        assertEquals("", filter.feed("ignored"));
    }

    @Test
    void heldTextIsReleasedWhenItCannotBeAStop() {
        StopStringFilter filter = new StopStringFilter(List.of("STOP"));
        assertEquals("a", filter.feed("aST"));
        assertEquals("STx", filter.feed("x"));
        assertEquals("", filter.feed("S"));
        assertEquals("S", filter.flush());
        assertFalse(filter.stopped());
    }

    @Test
    void earliestOfSeveralStops() {
        StopStringFilter filter = new StopStringFilter(List.of("bb", "ab"));
        assertEquals("x", filter.feed("xabb"));
        assertEquals("ab", filter.matched());
    }

    @Test
    void noStopsPassesEverything() {
        StopStringFilter filter = new StopStringFilter(List.of());
        assertEquals("abc", filter.feed("abc"));
        assertThrows(IllegalArgumentException.class, () -> new StopStringFilter(List.of("")));
    }
}
