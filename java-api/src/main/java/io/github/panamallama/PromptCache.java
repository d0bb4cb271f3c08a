package io.github.panamallama;

import java.util.List;

/**
 * Which sequence a new request runs on, and which cached prompt gives way when memory runs
 * out. The cache is the memory of the idle sequences (one finished request's tokens each), so
 * it is bounded by the number of sequences. Pure bookkeeping; the driver applies the choice.
 */
final class PromptCache {
    private PromptCache() {}

    /**
     * @param slot the sequence to run on
     * @param reusable how many leading prompt tokens it holds already and need no decoding
     */
    record Choice(SequenceSlot slot, int reusable) {}

    /**
     * Picks the idle sequence whose memory shares the longest prefix with {@code prompt}
     * (with {@code reuse} off, every prefix counts as 0). Ties go to the slot whose cache is
     * worth least: an empty one, else the one used longest ago. At least one prompt token is
     * always left to decode, for the logits of the first generated token.
     *
     * @return null if no sequence is idle
     */
    static Choice choose(List<SequenceSlot> slots, int[] prompt, boolean reuse) {
        SequenceSlot best = null;
        int bestPrefix = -1;
        for (SequenceSlot slot : slots) {
            if (!slot.idle()) {
                continue;
            }
            int prefix = reuse ? Math.min(slot.commonPrefix(prompt), prompt.length - 1) : 0;
            if (prefix > bestPrefix || (prefix == bestPrefix && worthLess(slot, best))) {
                best = slot;
                bestPrefix = prefix;
            }
        }
        return best == null ? null : new Choice(best, bestPrefix);
    }

    /** The idle sequence holding tokens that was used longest ago, to free its memory; null if none. */
    static SequenceSlot evictable(List<SequenceSlot> slots) {
        SequenceSlot oldest = null;
        for (SequenceSlot slot : slots) {
            if (slot.idle() && slot.length() > 0 && (oldest == null || slot.lastUsed() < oldest.lastUsed())) {
                oldest = slot;
            }
        }
        return oldest;
    }

    private static boolean worthLess(SequenceSlot slot, SequenceSlot than) {
        if ((slot.length() == 0) != (than.length() == 0)) {
            return slot.length() == 0;
        }
        return slot.lastUsed() < than.lastUsed();
    }
}
