package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which sequence a request runs on, without a model: the slots' recorded tokens decide. */
class PromptCacheTest {
    private static SequenceSlot slot(int id, long lastUsed, int... tokens) {
        SequenceSlot slot = new SequenceSlot(id);
        for (int token : tokens) {
            slot.append(token);
        }
        slot.end(lastUsed);
        return slot;
    }

    @Test
    void theLongestCommonPrefixWins() {
        SequenceSlot short1 = slot(0, 5, 1, 10, 99);
        SequenceSlot long1 = slot(1, 1, 1, 10, 11, 12, 40);
        SequenceSlot empty = slot(2, 9);
        PromptCache.Choice choice = PromptCache.choose(List.of(short1, long1, empty), new int[] {1, 10, 11, 12, 13}, true);
        assertSame(long1, choice.slot());
        assertEquals(4, choice.reusable());
    }

    @Test
    void atLeastTheLastPromptTokenIsLeftToDecode() {
        SequenceSlot same = slot(0, 1, 1, 10, 11, 12);
        PromptCache.Choice choice = PromptCache.choose(List.of(same), new int[] {1, 10, 11}, true);
        assertEquals(2, choice.reusable(), "the prompt is all cached, but its last token gives the logits");
    }

    @Test
    void tiesGoToAnEmptySlotThenToTheLeastRecentlyUsed() {
        SequenceSlot recent = slot(0, 8, 7, 7);
        SequenceSlot old = slot(1, 2, 8, 8);
        SequenceSlot empty = slot(2, 9);
        assertSame(empty, PromptCache.choose(List.of(recent, old, empty), new int[] {1, 2}, true).slot());
        assertSame(old, PromptCache.choose(List.of(recent, old), new int[] {1, 2}, true).slot());
    }

    @Test
    void withoutReuseNothingIsReused() {
        SequenceSlot cached = slot(0, 1, 1, 10, 11);
        PromptCache.Choice choice = PromptCache.choose(List.of(cached), new int[] {1, 10, 11, 12}, false);
        assertEquals(0, choice.reusable());
    }

    @Test
    void busySlotsAreNeitherChosenNorEvicted() {
        SequenceSlot busy = slot(0, 1, 1, 10, 11);
        SequenceSlot idle = slot(1, 3, 5);
        busy.start(new SequenceRun(null, busy, 0, null));
        assertSame(idle, PromptCache.choose(List.of(busy, idle), new int[] {1, 10, 11, 12}, true).slot());
        assertSame(idle, PromptCache.evictable(List.of(busy, idle)));
        idle.start(new SequenceRun(null, idle, 0, null));
        assertNull(PromptCache.choose(List.of(busy, idle), new int[] {1}, true), "no idle sequence");
        assertNull(PromptCache.evictable(List.of(busy, idle)));
    }

    @Test
    void theLeastRecentlyUsedCacheIsEvictedFirstAndEmptyOnesNever() {
        SequenceSlot recent = slot(0, 8, 7, 7);
        SequenceSlot old = slot(1, 2, 8, 8);
        SequenceSlot empty = slot(2, 1);
        assertSame(old, PromptCache.evictable(List.of(recent, old, empty)));
        old.truncate(0);
        assertSame(recent, PromptCache.evictable(List.of(recent, old, empty)));
    }
}
