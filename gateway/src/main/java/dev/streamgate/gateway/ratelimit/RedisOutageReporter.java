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
 * Tells operators that admissions are being decided without Redis. Every transition is logged, once: a WARN when
 * Redis is declared down and an INFO when it answers again, each counted ({@code streamgate.ratelimit.redis.
 * transitions}) and reflected by the {@code degraded} gauge. The admissions decided by the failure policy are
 * counted one by one but logged throttled: at most one WARN per {@code logInterval}, with the number since the
 * previous one, so an outage never costs a log line per request.
 */
final class RedisOutageReporter {
    private static final Logger log = LoggerFactory.getLogger(RedisOutageReporter.class);

    private final String policy;
    private final RateLimitMetrics metrics;
    private final ThrottledLog fallbacks;
    private final AtomicBoolean degraded = new AtomicBoolean();
    private final AtomicLong fallbacksDuringOutage = new AtomicLong();

    RedisOutageReporter(Clock clock, Duration logInterval, RedisFailurePolicy policy, RateLimitMetrics metrics) {
        this.policy = policy.name().toLowerCase(Locale.ROOT);
        this.metrics = metrics;
        this.fallbacks = new ThrottledLog(log, clock, logInterval);
        metrics.degradedGauge(degraded::get);
    }

    /** Redis was declared down after {@code failures} consecutive failed attempts, the last one {@code cause}. */
    void degraded(int failures, Throwable cause) {
        if (degraded.compareAndSet(false, true)) {
            fallbacksDuringOutage.set(0);
            metrics.transition("degraded");
            log.warn("Redis declared down after {} consecutive failed rate-limit calls; admissions follow the '{}' "
                    + "failure policy until it answers again. Cause: {}", failures, policy, message(cause));
        }
    }

    /** Redis answers again after having been declared down {@code downFor} ago. */
    void recovered(Duration downFor) {
        if (degraded.compareAndSet(true, false)) {
            metrics.transition("recovered");
            log.info("Redis answers rate-limit calls again after {} ms down; limits are shared across instances "
                    + "again. {} admission(s) followed the '{}' failure policy meanwhile", downFor.toMillis(),
                    fallbacksDuringOutage.getAndSet(0), policy);
        }
    }

    /** One admission decided by the policy; {@code cause} is Redis' failure, or Redis having been declared down. */
    void fallback(RedisFailurePolicy decidedBy, Throwable cause) {
        metrics.fallback(decidedBy);
        fallbacksDuringOutage.incrementAndGet();
        fallbacks.warn("{} admission(s) followed the '{}' failure policy since the last report because Redis did not "
                + "answer. Cause: {}", policy, message(cause));
    }

    boolean degraded() {
        return degraded.get();
    }

    private static String message(Throwable cause) {
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }
}
