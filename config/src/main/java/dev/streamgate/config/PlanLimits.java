package dev.streamgate.config;

/**
 * Limits enforced by admission for one subject (a tenant or one of its keys). Per-minute limits are capped at
 * {@value #MAX_PER_MINUTE}: token buckets refill in nanosecond steps, and a larger capacity per minute would
 * overflow their arithmetic.
 */
public record PlanLimits(long requestsPerMinute, long tokensPerMinute, int concurrentStreams) {
    public static final long MAX_PER_MINUTE = 10_000_000_000L;

    public PlanLimits {
        Checks.positive(requestsPerMinute, "requestsPerMinute");
        Checks.positive(tokensPerMinute, "tokensPerMinute");
        Checks.atMost(requestsPerMinute, MAX_PER_MINUTE, "requestsPerMinute");
        Checks.atMost(tokensPerMinute, MAX_PER_MINUTE, "tokensPerMinute");
        Checks.positive(concurrentStreams, "concurrentStreams");
    }
}
