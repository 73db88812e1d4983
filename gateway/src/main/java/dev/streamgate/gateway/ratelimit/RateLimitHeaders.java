package dev.streamgate.gateway.ratelimit;

import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's {@code x-ratelimit-*} headers. A request is limited by its key and by its tenant; each dimension
 * reports the tighter of the two (fewer remaining; on a tie, the longer reset), with that subject's limit, so the
 * three numbers of a dimension always describe one bucket.
 */
final class RateLimitHeaders {
    static final String LIMIT_REQUESTS = "x-ratelimit-limit-requests";
    static final String LIMIT_TOKENS = "x-ratelimit-limit-tokens";
    static final String REMAINING_REQUESTS = "x-ratelimit-remaining-requests";
    static final String REMAINING_TOKENS = "x-ratelimit-remaining-tokens";
    static final String RESET_REQUESTS = "x-ratelimit-reset-requests";
    static final String RESET_TOKENS = "x-ratelimit-reset-tokens";

    private static final Comparator<Reading> TIGHTER = Comparator.comparingLong(Reading::remaining)
            .thenComparing(Comparator.comparingLong(Reading::resetNanos).reversed());

    private RateLimitHeaders() {
    }

    /** One bucket as the headers show it: remaining never below zero, even for a bucket in debt. */
    record Reading(long limit, long remaining, long resetNanos) {
        Reading {
            remaining = Math.max(0, Math.min(limit, remaining));
            resetNanos = Math.max(0, resetNanos);
        }
    }

    /** The first of the tightest readings, as {@code stream().min(TIGHTER)} picks it, without a stream per call. */
    private static Reading tightest(List<Reading> readings) {
        Reading tightest = readings.getFirst();
        for (int i = 1; i < readings.size(); i++) {
            if (TIGHTER.compare(readings.get(i), tightest) < 0) {
                tightest = readings.get(i);
            }
        }
        return tightest;
    }

    static Map<String, String> of(List<Reading> requests, List<Reading> tokens) {
        Reading request = tightest(requests);
        Reading token = tightest(tokens);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(LIMIT_REQUESTS, Long.toString(request.limit()));
        headers.put(LIMIT_TOKENS, Long.toString(token.limit()));
        headers.put(REMAINING_REQUESTS, Long.toString(request.remaining()));
        headers.put(REMAINING_TOKENS, Long.toString(token.remaining()));
        headers.put(RESET_REQUESTS, ResetDuration.format(request.resetNanos()));
        headers.put(RESET_TOKENS, ResetDuration.format(token.resetNanos()));
        return Collections.unmodifiableMap(headers);
    }
}
