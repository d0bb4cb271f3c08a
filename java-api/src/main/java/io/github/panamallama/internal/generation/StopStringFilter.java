package io.github.panamallama.internal.generation;

import java.util.List;

/**
 * Finds stop strings in generated text even when they span tokens: text that could be the
 * start of a stop string is held back until it either completes the stop string (generation
 * ends, the stop string and what follows are dropped) or can no longer be one (it is released).
 * Not thread-safe.
 */
public final class StopStringFilter {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;
    private String matched;

    public StopStringFilter(List<String> stops) {
        for (String stop : stops) {
            if (stop == null || stop.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
        }
        this.stops = List.copyOf(stops);
    }

    /** Feeds generated text; returns the text now safe to emit. */
    public String feed(String text) {
        if (stopped) {
            return "";
        }
        if (stops.isEmpty()) {
            return text;
        }
        held.append(text);
        int earliest = -1;
        for (String stop : stops) {
            int at = held.indexOf(stop);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
                matched = stop;
            }
        }
        if (earliest >= 0) {
            stopped = true;
            String before = held.substring(0, earliest);
            held.setLength(0);
            return before;
        }
        int keep = longestStopPrefixSuffix();
        String release = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return release;
    }

    /** At the end of generation: the held-back text, which turned out not to be a stop string. */
    public String flush() {
        String rest = held.toString();
        held.setLength(0);
        return rest;
    }

    public boolean stopped() {
        return stopped;
    }

    /** The stop string found, or null. */
    public String matched() {
        return matched;
    }

    /** The longest suffix of the held text that is a proper prefix of some stop string. */
    private int longestStopPrefixSuffix() {
        int best = 0;
        for (String stop : stops) {
            int max = Math.min(stop.length() - 1, held.length());
            for (int k = max; k > best; k--) {
                if (endsWithPrefix(stop, k)) {
                    best = k;
                    break;
                }
            }
        }
        return best;
    }

    private boolean endsWithPrefix(String stop, int k) {
        int start = held.length() - k;
        for (int i = 0; i < k; i++) {
            if (held.charAt(start + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
