package dev.streamgate.worker.scheduler;

import java.util.List;

/**
 * Finds stop strings in text that arrives in pieces. Text that could be the start of a stop string is held back
 * until the next piece shows whether it is one, so a stop string split across tokens is still found and never
 * leaks out. The earliest match wins; the stop string and everything after it are dropped (OpenAI's semantics).
 */
final class StopStringMatcher {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();

    /** What a piece of text released, and whether a stop string ended the text there. */
    record Result(String text, boolean stopped) {
    }

    StopStringMatcher(List<String> stops) {
        this.stops = List.copyOf(stops);
    }

    Result push(String piece) {
        if (stops.isEmpty()) {
            return new Result(piece, false);
        }
        held.append(piece);
        int earliest = -1;
        for (String stop : stops) {
            int at = held.indexOf(stop);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
            }
        }
        if (earliest >= 0) {
            String text = held.substring(0, earliest);
            held.setLength(0);
            return new Result(text, true);
        }
        int keep = longestSuffixThatStartsAStop();
        String text = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return new Result(text, false);
    }

    /** Releases held text when the sequence ends for another reason. */
    String flush() {
        String text = held.toString();
        held.setLength(0);
        return text;
    }

    private int longestSuffixThatStartsAStop() {
        String text = held.toString();
        int best = 0;
        for (String stop : stops) {
            for (int len = Math.min(stop.length() - 1, text.length()); len > best; len--) {
                if (text.regionMatches(text.length() - len, stop, 0, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }
}
