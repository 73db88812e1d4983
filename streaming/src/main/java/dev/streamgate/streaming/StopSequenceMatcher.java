package dev.streamgate.streaming;

import java.util.List;

/**
 * Applies a request's stop sequences to a stream of text deltas, across chunk boundaries. Text that may be the
 * beginning of a stop sequence is held back until the next delta decides; when a stop sequence completes, the
 * text before it is released and the stop sequence and everything after it are not.
 *
 * <p>The result does not depend on how the text is split into deltas: the stream stops at the first position
 * where any stop sequence ends (with two ending there, the longer one wins), exactly as if the text arrived one
 * character at a time. Matching is exact, on UTF-16 code units; since a well-formed stop sequence never starts
 * with a low surrogate, a cut never splits a surrogate pair. One instance per stream, not thread-safe.
 */
public final class StopSequenceMatcher {

    /** What may be emitted now, and whether a stop sequence was hit (the stream should finish). */
    public record Result(String text, boolean stopped) {
    }

    private static final Result STOPPED = new Result("", true);

    private final String[] stops;
    private final int maxHold;
    private String held = "";
    private boolean stopped;

    /** @throws IllegalArgumentException for an empty stop sequence */
    public StopSequenceMatcher(List<String> stops) {
        this.stops = stops.toArray(String[]::new);
        int longest = 0;
        for (String stop : this.stops) {
            if (stop.isEmpty()) {
                throw new IllegalArgumentException("stop sequences must not be empty");
            }
            longest = Math.max(longest, stop.length());
        }
        this.maxHold = Math.max(0, longest - 1);
    }

    public Result feed(String delta) {
        if (stopped) {
            return STOPPED;
        }
        if (stops.length == 0 || delta.isEmpty()) {
            return new Result(delta, false);
        }
        String buffer = held.isEmpty() ? delta : held.concat(delta);
        int cut = firstStop(buffer);
        if (cut >= 0) {
            stopped = true;
            held = "";
            return new Result(buffer.substring(0, cut), true);
        }
        int keep = heldSuffixLength(buffer);
        int release = buffer.length() - keep;
        held = keep == 0 ? "" : buffer.substring(release);
        return new Result(keep == 0 ? buffer : buffer.substring(0, release), false);
    }

    /** The end of the stream: releases the text held back (nothing after a stop). */
    public String flush() {
        String rest = held;
        held = "";
        return rest;
    }

    public boolean stopped() {
        return stopped;
    }

    /** The start of the stop sequence that ends first in {@code buffer}, or -1. */
    private int firstStop(String buffer) {
        int bestEnd = Integer.MAX_VALUE;
        int bestStart = -1;
        for (String stop : stops) {
            int start = buffer.indexOf(stop);
            if (start < 0) {
                continue;
            }
            int end = start + stop.length();
            if (end < bestEnd || (end == bestEnd && start < bestStart)) {
                bestEnd = end;
                bestStart = start;
            }
        }
        return bestStart;
    }

    /** The length of the longest suffix of {@code buffer} that is a proper prefix of some stop sequence. */
    private int heldSuffixLength(String buffer) {
        int length = buffer.length();
        for (int k = Math.min(maxHold, length); k > 0; k--) {
            for (String stop : stops) {
                if (stop.length() > k && buffer.regionMatches(length - k, stop, 0, k)) {
                    return k;
                }
            }
        }
        return 0;
    }
}
