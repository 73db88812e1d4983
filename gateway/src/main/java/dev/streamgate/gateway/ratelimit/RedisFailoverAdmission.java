package dev.streamgate.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import dev.streamgate.config.Plan;
import dev.streamgate.config.PlanLimits;
import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.error.GatewayException;
import dev.streamgate.gateway.ratelimit.RateLimitProperties.RedisFailurePolicy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Admission on Redis with the configured answer to Redis not answering.
 *
 * <p>Timeout semantics: one attempt at Redis (the six calls of an admission, sent at once) is waited for at most
 * {@code redis-timeout}. While Redis is up, an attempt that failed is made again, up to {@code redis-attempts}
 * attempts, so a single slow answer costs that request some latency, not its limits: whatever a failed attempt
 * took in Redis is given back, even when its answer comes late. Redis is declared down after
 * {@code redis-failure-threshold} consecutive failed attempts ({@link RedisHealth}); from then on admissions follow
 * the failure policy at once, without waiting, and one request every {@code redis-retry-interval} probes Redis, so
 * recovery is automatic. An admission whose attempts all failed follows the policy too. Refusals (429) are
 * answers from Redis, not failures.
 */
final class RedisFailoverAdmission implements Admission, AutoCloseable {
    /** Concurrent warm-up admissions: enough to open the connections a burst needs. */
    static final int WARM_UP_PARALLELISM = 8;
    static final int WARM_UP_ROUNDS = 3;
    static final Duration WARM_UP_RETRY_DELAY = Duration.ofMillis(100);

    private static final PlanLimits WARM_UP_LIMITS = new PlanLimits(1_000_000, 1_000_000_000, 1_000);

    private final TokenBucketAdmission redis;
    private final TokenBucketAdmission local;
    private final RedisFailurePolicy policy;
    private final int attempts;
    private final RedisHealth health;
    private final RedisOutageReporter reporter;
    private final Duration retryInterval;
    private final RateLimitStoreException declaredDown;
    private final String instanceId;
    private final String keyPrefix;

    /** {@code local} is the per-instance admission for the {@code local} policy, ignored by the others. */
    RedisFailoverAdmission(TokenBucketAdmission redis, TokenBucketAdmission local, RateLimitProperties properties,
                           Clock clock, RateLimitMetrics metrics, String instanceId) {
        this.redis = redis;
        this.instanceId = instanceId;
        this.keyPrefix = properties.keyPrefix();
        this.local = local;
        this.policy = properties.redisFailurePolicy();
        this.attempts = properties.redisAttempts();
        this.retryInterval = properties.redisRetryInterval();
        if (policy == RedisFailurePolicy.LOCAL && local == null) {
            throw new IllegalArgumentException("the local failure policy needs a local admission");
        }
        this.reporter = new RedisOutageReporter(clock, properties.outageLogInterval(), policy, metrics);
        this.health = new RedisHealth(clock, properties.redisFailureThreshold(), retryInterval, reporter);
        this.declaredDown = new RateLimitStoreException("Redis is declared down; it is probed again every "
                + retryInterval.toMillis() + " ms", null);
    }

    @Override
    public Mono<AdmissionGrant> admit(Principal principal, long reservedTokens) {
        return Mono.defer(() -> health.shouldTry()
                ? attempt(principal, reservedTokens, 1)
                : fallback(principal, reservedTokens, declaredDown));
    }

    private Mono<AdmissionGrant> attempt(Principal principal, long reservedTokens, int attempt) {
        return redis.admit(principal, reservedTokens)
                .doOnSuccess(grant -> health.answered())
                .doOnError(GatewayException.RateLimited.class, refusal -> health.answered())
                .onErrorResume(RateLimitStoreException.class, failure -> {
                    health.failed(failure);
                    return attempt < attempts && health.up()
                            ? attempt(principal, reservedTokens, attempt + 1)
                            : fallback(principal, reservedTokens, failure);
                });
    }

    /**
     * Pays, before the first request does, what the first calls on a fresh client cost: the connections of the
     * pool, the scripts' first load into Redis, Bucket4j's proxies and codecs, the JIT. Full admissions with
     * refunds, extra charges and a lease renewal, several at once, on a subject of this instance's own that
     * expires from Redis on its own. Bypasses the health judgement: a slow warm-up is what it is there to absorb.
     * Fails if Redis does not answer within {@code patience}; until then, rounds that Redis answered too slowly
     * are made again.
     */
    Mono<Void> warmUp(Duration patience) {
        Plan plan = new Plan("streamgate-warm-up", "warm-up", WARM_UP_LIMITS, WARM_UP_LIMITS, Set.of(), 0);
        Principal principal = new Principal("streamgate-warm-up-" + instanceId, "warm-up", "warm-up", Set.of(), plan);
        String slotKey = LimitSubject.key(principal, keyPrefix).slotKey();
        Mono<Void> connect = redis.store() instanceof RedisLimitStore store ? store.connect(patience) : Mono.empty();
        // A round whose calls were slower than redis-timeout is made again: the first calls are the slow ones.
        Flux<Void> rounds = Flux.range(0, WARM_UP_ROUNDS).concatMap(round -> Flux.range(0, WARM_UP_PARALLELISM)
                .flatMap(i -> redis.admit(principal, 2)
                        .flatMap(grant -> redis.store().renewSlot(slotKey, "warm-up")
                                .then(grant.complete(i % 2 == 0 ? 1 : 3))))
                .then()
                .retryWhen(Retry.fixedDelay(Long.MAX_VALUE, WARM_UP_RETRY_DELAY)
                        .filter(RateLimitStoreException.class::isInstance)));
        return connect.thenMany(rounds).then().timeout(patience);
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

    boolean declaredDown() {
        return !health.up();
    }

    boolean degraded() {
        return reporter.degraded();
    }

    private Mono<AdmissionGrant> fallback(Principal principal, long reservedTokens, Throwable failure) {
        reporter.fallback(policy, failure);
        return switch (policy) {
            case LOCAL -> local.admit(principal, reservedTokens);
            case ALLOW -> Mono.just(UnlimitedGrant.INSTANCE);
            // Retry-After: when Redis is next probed.
            case REJECT -> Mono.error(GatewayException.unavailable("rate_limiter_unavailable",
                    "Rate limits cannot be checked right now. Please retry shortly.", retryInterval));
        };
    }
}
