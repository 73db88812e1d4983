package dev.streamgate.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;

import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.error.GatewayException;
import dev.streamgate.gateway.ratelimit.RateLimitProperties.RedisFailurePolicy;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import reactor.core.publisher.Mono;

/**
 * Admission on Redis with the configured answer to Redis not answering. Each admission waits at most the Redis
 * timeout; once most recent admissions have failed, a circuit breaker sends admissions straight to the failure
 * policy (no waiting at all) and lets one request probe Redis every {@code redis-retry-interval}, so recovery is
 * automatic. Refusals (429) are answers from Redis, not failures.
 */
final class RedisFailoverAdmission implements Admission, AutoCloseable {
    static final String BREAKER_NAME = "streamgate-ratelimit-redis";

    private final TokenBucketAdmission redis;
    private final TokenBucketAdmission local;
    private final RedisFailurePolicy policy;
    private final CircuitBreaker breaker;
    private final RedisOutageReporter reporter;
    private final Duration retryInterval;

    /** {@code local} is the per-instance admission for the {@code local} policy, ignored by the others. */
    RedisFailoverAdmission(TokenBucketAdmission redis, TokenBucketAdmission local, RateLimitProperties properties,
                           Clock clock, RateLimitMetrics metrics) {
        this.redis = redis;
        this.local = local;
        this.policy = properties.redisFailurePolicy();
        this.retryInterval = properties.redisRetryInterval();
        if (policy == RedisFailurePolicy.LOCAL && local == null) {
            throw new IllegalArgumentException("the local failure policy needs a local admission");
        }
        this.breaker = CircuitBreaker.of(BREAKER_NAME, CircuitBreakerConfig.custom()
                .slidingWindow(10, 3, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(50)
                .waitDurationInOpenState(properties.redisRetryInterval())
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordException(error -> error instanceof RateLimitStoreException)
                .writableStackTraceEnabled(false)
                .clock(clock)
                .build());
        this.reporter = new RedisOutageReporter(clock, properties.outageLogInterval(), policy, metrics);
    }

    @Override
    public Mono<AdmissionGrant> admit(Principal principal, long reservedTokens) {
        return redis.admit(principal, reservedTokens)
                .transformDeferred(CircuitBreakerOperator.of(breaker))
                .doOnSuccess(grant -> reporter.redisAnswered())
                .doOnError(GatewayException.RateLimited.class, refusal -> reporter.redisAnswered())
                .onErrorResume(RedisFailoverAdmission::isRedisFailure,
                        failure -> fallback(principal, reservedTokens, failure));
    }

    @Override
    public void close() {
        redis.close();
        if (local != null) {
            local.close();
        }
    }

    TokenBucketAdmission shared() {
        return redis;
    }

    CircuitBreaker.State breakerState() {
        return breaker.getState();
    }

    boolean degraded() {
        return reporter.degraded();
    }

    private Mono<AdmissionGrant> fallback(Principal principal, long reservedTokens, Throwable failure) {
        reporter.fallback(policy, failure);
        return switch (policy) {
            case LOCAL -> local.admit(principal, reservedTokens);
            case ALLOW -> Mono.just(UnlimitedGrant.INSTANCE);
            // Retry-After: when the breaker next lets a request probe Redis.
            case REJECT -> Mono.error(GatewayException.unavailable("rate_limiter_unavailable",
                    "Rate limits cannot be checked right now. Please retry shortly.", retryInterval));
        };
    }

    private static boolean isRedisFailure(Throwable error) {
        return error instanceof RateLimitStoreException || error instanceof CallNotPermittedException;
    }
}
