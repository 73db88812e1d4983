package dev.streamgate.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.error.GatewayException;
import dev.streamgate.gateway.ratelimit.RateLimitProperties.Backend;
import dev.streamgate.gateway.ratelimit.RateLimitProperties.RedisFailurePolicy;
import io.github.bucket4j.ConsumptionProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The Redis-down policies, driven without a server: the failover admission over a shared store that this test
 * takes down at will (in-memory buckets standing in for Redis; {@code RedisFailoverIT} does the same on a real
 * Redis). While the shared store answers, the whole contract holds through the failover layer.
 */
class FailoverAdmissionTest extends AdmissionContract {
    private static final int ATTEMPTS = 3;
    private static final int THRESHOLD = 5;
    private static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);

    private final Principal key = principal("k", limits(1_000, 1_000_000, 100), limits(3, 1_000_000, 100));
    private FailingStore shared;
    private RedisFailoverAdmission other;

    @Override
    protected Admission createAdmission() {
        return failover(RedisFailurePolicy.LOCAL);
    }

    @AfterEach
    void closeOther() {
        if (other != null) {
            other.close();
        }
    }

    private RedisFailoverAdmission failover(RedisFailurePolicy policy) {
        RateLimitProperties properties = new RateLimitProperties(Backend.REDIS, policy, Duration.ofMillis(250),
                ATTEMPTS, THRESHOLD, RETRY_INTERVAL, Duration.ofSeconds(10), "test:", Duration.ofSeconds(30),
                Duration.ofSeconds(1), Duration.ofMinutes(1));
        RateLimitMetrics metrics = new RateLimitMetrics(registry);
        shared = new FailingStore(new LocalLimitStore(clock, scheduler));
        TokenBucketAdmission redis = new TokenBucketAdmission(shared, properties, clock, scheduler, metrics, "a");
        TokenBucketAdmission local = new TokenBucketAdmission(new LocalLimitStore(clock, scheduler), properties,
                clock, scheduler, metrics, "a");
        return new RedisFailoverAdmission(redis, local, properties, clock, metrics, "a");
    }

    private RedisFailoverAdmission withPolicy(RedisFailurePolicy policy) {
        other = failover(policy);
        return other;
    }

    @Test
    void aFailedAttemptIsRetriedAndWhatItTookIsGivenBack() {
        shared.failNext(1);   // one of the six calls of the first attempt: the five others took theirs

        admit(key, 1);
        admit(key, 1);
        admit(key, 1);

        assertThat(refuse(key, 1).code()).as("exactly the key's 3 a minute").isEqualTo("rate_limit_exceeded");
        assertThat(fallbacks("local")).isZero();
        assertThat(((RedisFailoverAdmission) admission).declaredDown()).isFalse();
    }

    @Test
    void theLocalPolicyHoldsLimitsPerInstanceOnceRedisIsDeclaredDownAndRecovers() {
        RedisFailoverAdmission failover = (RedisFailoverAdmission) admission;
        shared.down(true);

        admit(key, 1);   // three failed attempts, then the local buckets
        assertThat(failover.declaredDown()).isFalse();
        admit(key, 1);   // two more: five in a row
        assertThat(failover.declaredDown()).isTrue();
        int callsWhenDeclaredDown = shared.calls();
        admit(key, 1);
        assertThat(refuse(key, 1).code()).isEqualTo("rate_limit_exceeded");
        assertThat(shared.calls()).as("not asked while declared down").isEqualTo(callsWhenDeclaredDown);
        assertThat(fallbacks("local")).isEqualTo(4);

        shared.down(false);
        clock.advance(RETRY_INTERVAL);
        Principal probe = principal("probe", limits(1_000, 1_000_000, 100), limits(1_000, 1_000_000, 100));
        admit(probe, 1);

        assertThat(failover.declaredDown()).isFalse();
        assertThat(fallbacks("local")).isEqualTo(4);
    }

    @Test
    void theAllowPolicyFailsOpenWithoutHeaders() {
        RedisFailoverAdmission allow = withPolicy(RedisFailurePolicy.ALLOW);
        shared.down(true);

        for (int i = 0; i < 5; i++) {
            assertThat(admit(allow, key, 1).headers()).isEmpty();
        }
        assertThat(fallbacks("allow")).isEqualTo(5);
    }

    @Test
    void theRejectPolicyFailsClosedWithA503() {
        RedisFailoverAdmission reject = withPolicy(RedisFailurePolicy.REJECT);
        shared.down(true);

        GatewayException unavailable = refuse(reject, key, 1);

        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.code()).isEqualTo("rate_limiter_unavailable");
        assertThat(unavailable.headers()).containsEntry("Retry-After", "1");
        assertThat(fallbacks("reject")).isEqualTo(1);
    }

    @Test
    void aRefusalIsAnAnswerNotAFailure() {
        RedisFailoverAdmission reject = withPolicy(RedisFailurePolicy.REJECT);
        for (int i = 0; i < 3; i++) {
            admit(reject, key, 1);
        }
        for (int i = 0; i < THRESHOLD + 1; i++) {
            assertThat(refuse(reject, key, 1).status()).isEqualTo(429);
        }
        assertThat(reject.declaredDown()).isFalse();
    }

    private double fallbacks(String policy) {
        var counter = registry.find(RateLimitMetrics.FALLBACKS).tag("policy", policy).counter();
        return counter == null ? 0 : counter.count();
    }

    /** In-memory buckets that fail like an unreachable Redis when told to. */
    private static final class FailingStore implements LimitStore {
        private final LimitStore delegate;
        private final AtomicBoolean down = new AtomicBoolean();
        private final AtomicInteger failNext = new AtomicInteger();
        private final AtomicInteger calls = new AtomicInteger();

        FailingStore(LimitStore delegate) {
            this.delegate = delegate;
        }

        void down(boolean isDown) {
            down.set(isDown);
        }

        void failNext(int count) {
            failNext.set(count);
        }

        int calls() {
            return calls.get();
        }

        private <T> Mono<T> guarded(Mono<T> call) {
            return Mono.defer(() -> {
                calls.incrementAndGet();
                if (down.get() || failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    return Mono.error(new RateLimitStoreException("store unreachable", null));
                }
                return call;
            });
        }

        @Override
        public Mono<ConsumptionProbe> tryConsume(String bucketKey, long perMinute, long tokens) {
            return guarded(delegate.tryConsume(bucketKey, perMinute, tokens));
        }

        @Override
        public Mono<Void> addTokens(String bucketKey, long perMinute, long tokens) {
            return guarded(delegate.addTokens(bucketKey, perMinute, tokens));
        }

        @Override
        public Mono<Void> consumeIgnoringLimits(String bucketKey, long perMinute, long tokens) {
            return guarded(delegate.consumeIgnoringLimits(bucketKey, perMinute, tokens));
        }

        @Override
        public Mono<SlotResult> acquireSlot(String slotKey, long limit, String leaseId) {
            return guarded(delegate.acquireSlot(slotKey, limit, leaseId));
        }

        @Override
        public Mono<Void> renewSlot(String slotKey, String leaseId) {
            return guarded(delegate.renewSlot(slotKey, leaseId));
        }

        @Override
        public Mono<Void> releaseSlot(String slotKey, String leaseId) {
            return guarded(delegate.releaseSlot(slotKey, leaseId));
        }

        @Override
        public boolean leasesExpire() {
            return false;
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
