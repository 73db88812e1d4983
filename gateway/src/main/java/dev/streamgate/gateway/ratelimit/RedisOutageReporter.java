package dev.streamgate.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.streamgate.gateway.ratelimit.RateLimitProperties.RedisFailurePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells operators that admissions are being decided without Redis: a counter per fallback, a gauge that is 1
 * until Redis answers again, and log lines that never come once per request: at most one WARN per
 * {@code logInterval} (with the number of fallbacks since the previous one), and one INFO when Redis answers
 * again after an outage that was warned about. A Redis that flaps therefore costs one WARN and one INFO per
 * interval, not one pair per flap.
 */
final class RedisOutageReporter {
    private static final Logger log = LoggerFactory.getLogger(RedisOutageReporter.class);

    private final Clock clock;
    private final long logIntervalMillis;
    private final String policy;
    private final RateLimitMetrics metrics;
    private final AtomicBoolean degraded = new AtomicBoolean();
    private final AtomicBoolean warned = new AtomicBoolean();
    private final AtomicLong unreported = new AtomicLong();
    private final AtomicLong nextWarnAt = new AtomicLong(Long.MIN_VALUE);

    RedisOutageReporter(Clock clock, Duration logInterval, RedisFailurePolicy policy, RateLimitMetrics metrics) {
        this.clock = clock;
        this.logIntervalMillis = logInterval.toMillis();
        this.policy = policy.name().toLowerCase(Locale.ROOT);
        this.metrics = metrics;
        metrics.degradedGauge(degraded::get);
    }

    /** One admission decided by the policy; {@code cause} is Redis' failure or the open circuit breaker. */
    void fallback(RateLimitProperties.RedisFailurePolicy decidedBy, Throwable cause) {
        metrics.fallback(decidedBy);
        degraded.set(true);
        long fallbacks = unreported.incrementAndGet();
        long now = clock.millis();
        long due = nextWarnAt.get();
        if (now >= due && nextWarnAt.compareAndSet(due, now + logIntervalMillis)) {
            unreported.addAndGet(-fallbacks);
            warned.set(true);
            log.warn("Redis is not answering rate-limit calls; {} admission(s) followed the '{}' failure policy "
                    + "since the last report, and admissions keep doing so until Redis answers. Cause: {}",
                    fallbacks, policy, cause.getMessage());
        }
    }

    /** Redis answered an admission: rate limits are shared across instances again. */
    void redisAnswered() {
        if (degraded.get() && degraded.compareAndSet(true, false) && warned.getAndSet(false)) {
            log.info("Redis answers rate-limit calls again; limits are shared across instances again");
        }
    }

    boolean degraded() {
        return degraded.get();
    }
}
