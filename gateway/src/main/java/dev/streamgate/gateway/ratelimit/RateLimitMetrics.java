package dev.streamgate.gateway.ratelimit;

import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** Rate-limit meters: rejections by reason and subject type, and how often and whether Redis is bypassed. */
final class RateLimitMetrics {
    static final String REJECTIONS = "streamgate.ratelimit.rejections";
    static final String FALLBACKS = "streamgate.ratelimit.redis.fallbacks";
    static final String DEGRADED = "streamgate.ratelimit.redis.degraded";
    static final String TRANSITIONS = "streamgate.ratelimit.redis.transitions";
    static final String LATE_ANSWERS = "streamgate.ratelimit.redis.late.answers";
    /** {@code outcome}s of a Redis answer that came after its admission stopped waiting. */
    static final String LATE_UNDONE = "undone";
    static final String LATE_UNDO_FAILED = "undo_failed";
    static final String LATE_KEPT = "kept";
    static final String LATE_FAILED = "failed";
    static final String RECONCILE_FAILURES = "streamgate.ratelimit.reconcile.failures";
    /** The {@code reason} of a request that could never fit its tokens-per-minute limit. */
    static final String TOO_LARGE = "too_large";

    private final MeterRegistry registry;

    RateLimitMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void rejected(String reason, LimitSubject.Type subject) {
        Counter.builder(REJECTIONS)
                .description("Requests refused by rate limits")
                .tag("reason", reason)
                .tag("subject", subject.tag())
                .register(registry)
                .increment();
    }

    void fallback(RateLimitProperties.RedisFailurePolicy policy) {
        Counter.builder(FALLBACKS)
                .description("Admissions decided by the Redis failure policy because Redis did not answer")
                .tag("policy", policy.name().toLowerCase(java.util.Locale.ROOT))
                .register(registry)
                .increment();
    }

    /** Redis declared down ({@code to=degraded}) or answering again ({@code to=recovered}). */
    void transition(String to) {
        Counter.builder(TRANSITIONS)
                .description("Times rate limits switched between Redis and the Redis failure policy")
                .tag("to", to)
                .register(registry)
                .increment();
    }

    void lateAnswer(String outcome) {
        Counter.builder(LATE_ANSWERS)
                .description("Redis answers that came after their admission had stopped waiting for them")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    /**
     * A store call made on behalf of an admission that did not need its answer failed: giving back what a refused
     * or failed admission took ({@code give_back}), reconciling a completed grant ({@code complete}) or renewing a
     * live stream's slot lease ({@code renew}).
     */
    void reconcileFailed(String step) {
        Counter.builder(RECONCILE_FAILURES)
                .description("Rate-limit store calls after admission (refunds, releases, renewals) that failed")
                .tag("step", step)
                .register(registry)
                .increment();
    }

    void degradedGauge(BooleanSupplier degraded) {
        Gauge.builder(DEGRADED, () -> degraded.getAsBoolean() ? 1 : 0)
                .description("1 while rate limits are decided by the Redis failure policy, 0 while Redis answers")
                .register(registry);
    }
}
