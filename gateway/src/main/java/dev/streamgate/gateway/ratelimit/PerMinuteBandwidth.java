package dev.streamgate.gateway.ratelimit;

import java.time.Duration;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;

/**
 * The one bucket shape both stores use: {@code perMinute} tokens of capacity, refilled greedily (token by token,
 * not in one lump at the minute boundary), so a client that waits {@code 60s / perMinute} gets one more.
 */
final class PerMinuteBandwidth {
    static final Duration PERIOD = Duration.ofMinutes(1);

    private PerMinuteBandwidth() {
    }

    static Bandwidth of(long perMinute) {
        return Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, PERIOD).build();
    }

    static BucketConfiguration configuration(long perMinute) {
        return BucketConfiguration.builder().addLimit(of(perMinute)).build();
    }

    /** How long the bucket takes to refill {@code tokens} (double arithmetic: exact enough for headers, no overflow). */
    static long refillNanos(long perMinute, long tokens) {
        return (long) Math.min(Long.MAX_VALUE, (double) tokens * PERIOD.toNanos() / perMinute);
    }
}
