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

    void degradedGauge(BooleanSupplier degraded) {
        Gauge.builder(DEGRADED, () -> degraded.getAsBoolean() ? 1 : 0)
                .description("1 while rate limits are decided by the Redis failure policy, 0 while Redis answers")
                .register(registry);
    }
}
