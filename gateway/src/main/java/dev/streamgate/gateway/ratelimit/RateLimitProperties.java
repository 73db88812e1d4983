package dev.streamgate.gateway.ratelimit;

import java.time.Duration;

/**
 * {@code streamgate.ratelimit.*}: where limits are kept and what happens when Redis does not answer. A plain
 * record (bound by {@link RateLimitConfiguration}): a value left out (null) takes the default the constructor
 * sets, so {@link #defaults()} is what a fresh installation runs with.
 *
 * @param backend                {@code local} (per-instance buckets, the embedded default) or {@code redis}
 *                               (shared by every instance)
 * @param redisFailurePolicy     while Redis does not answer: {@code local} buckets per instance, {@code allow}
 *                               every request (fail open) or {@code reject} it with a 503 (fail closed)
 * @param redisTimeout           the longest one attempt at Redis (an admission's calls, sent at once) is
 *                               waited for; a slower answer counts as a failed attempt, and what it took is
 *                               given back when it lands
 * @param redisAttempts          attempts per admission while Redis is up, before that admission follows the
 *                               failure policy
 * @param redisFailureThreshold  consecutive failed attempts that declare Redis down: from then on admissions
 *                               follow the failure policy without waiting
 * @param redisRetryInterval     how long admissions skip Redis once it has been declared down, before one
 *                               request probes it again
 * @param redisWarmUpTimeout     how long start-up waits for Redis to answer the warm-up admissions before the
 *                               instance reports ready anyway (then following the failure policy until Redis
 *                               answers)
 * @param keyPrefix              prefix of every Redis key
 * @param streamLease            how long a concurrent-stream slot survives an instance that stopped renewing
 *                               it (a crash); live streams renew every third of it
 * @param concurrencyRetryAfter  {@code Retry-After} of a refusal for too many concurrent streams (nothing
 *                               predicts when a stream ends)
 * @param outageLogInterval      how often a continuing Redis outage is logged again
 */
public record RateLimitProperties(
        Backend backend,
        RedisFailurePolicy redisFailurePolicy,
        Duration redisTimeout,
        Integer redisAttempts,
        Integer redisFailureThreshold,
        Duration redisRetryInterval,
        Duration redisWarmUpTimeout,
        String keyPrefix,
        Duration streamLease,
        Duration concurrencyRetryAfter,
        Duration outageLogInterval) {

    public enum Backend { LOCAL, REDIS }

    public enum RedisFailurePolicy { LOCAL, ALLOW, REJECT }

    public RateLimitProperties {
        backend = orDefault(backend, Backend.LOCAL);
        redisFailurePolicy = orDefault(redisFailurePolicy, RedisFailurePolicy.LOCAL);
        // An answer within a second from a busy or cold instance is slow, not down (see RedisFailoverAdmission).
        redisTimeout = orDefault(redisTimeout, Duration.ofSeconds(1));
        redisAttempts = orDefault(redisAttempts, 2);
        redisFailureThreshold = orDefault(redisFailureThreshold, 5);
        redisRetryInterval = orDefault(redisRetryInterval, Duration.ofSeconds(1));
        redisWarmUpTimeout = orDefault(redisWarmUpTimeout, Duration.ofSeconds(10));
        keyPrefix = orDefault(keyPrefix, "streamgate:ratelimit:");
        streamLease = orDefault(streamLease, Duration.ofSeconds(30));
        concurrencyRetryAfter = orDefault(concurrencyRetryAfter, Duration.ofSeconds(1));
        outageLogInterval = orDefault(outageLogInterval, Duration.ofMinutes(1));
        positive(redisTimeout, "redis-timeout");
        require(redisAttempts >= 1, "redis-attempts must be at least 1, was " + redisAttempts);
        require(redisFailureThreshold >= 1, "redis-failure-threshold must be at least 1, was "
                + redisFailureThreshold);
        positive(redisRetryInterval, "redis-retry-interval");
        positive(redisWarmUpTimeout, "redis-warm-up-timeout");
        positive(streamLease, "stream-lease");
        require(streamLease.toMillis() >= 3, "stream-lease must be at least 3ms, was " + streamLease);
        positive(concurrencyRetryAfter, "concurrency-retry-after");
        positive(outageLogInterval, "outage-log-interval");
    }

    /** The values a fresh installation runs with. */
    public static RateLimitProperties defaults() {
        return new RateLimitProperties(null, null, null, null, null, null, null, null, null, null, null);
    }

    private static <T> T orDefault(T value, T fallback) {
        return value != null ? value : fallback;
    }

    private static void positive(Duration value, String name) {
        require(value != null && value.isPositive(), name + " must be a positive duration, was " + value);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("streamgate.ratelimit." + message);
        }
    }
}
