package dev.streamgate.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import dev.streamgate.config.PlanLimits;
import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.error.GatewayException;
import dev.streamgate.gateway.ratelimit.RateLimitProperties.Backend;
import dev.streamgate.gateway.ratelimit.RateLimitProperties.RedisFailurePolicy;
import dev.streamgate.gateway.testsupport.TestRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The policy on Redis buckets, plus what only Redis gives: leases that lapse, expiry, limits shared by instances. */
class RedisAdmissionIT extends AdmissionContract {
    private static RedissonClient redisson;

    private final String prefix = TestRedis.uniquePrefix();

    @BeforeAll
    static void connect() {
        redisson = Redisson.create(RateLimitConfiguration.redissonConfig(RedisConnectionProperties.of(TestRedis.address())));
    }

    @AfterAll
    static void disconnect() {
        redisson.shutdown();
    }

    /**
     * Fail closed with a generous timeout: on a busy test machine a slow answer must fail the test, not be
     * absorbed by the local policy (which would pass the contract without Redis).
     */
    RateLimitProperties properties() {
        return new RateLimitProperties(Backend.REDIS, RedisFailurePolicy.REJECT, Duration.ofSeconds(5), 1, 5,
                Duration.ofSeconds(1), Duration.ofSeconds(10), prefix, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(1));
    }

    @Override
    protected Admission createAdmission() {
        return RateLimitConfiguration.createAdmission(properties(), redisson, clock, scheduler, registry,
                "instance-a");
    }

    @Test
    void theSlotsOfAnInstanceThatStoppedRenewingThemLapseAfterTheLease() {
        Principal key = principal("k", limits(100, 100_000, 10), limits(100, 100_000, 1));
        admit(key, 1);   // never completed, never renewed: its instance crashed
        assertThat(refuse(key, 1).code()).isEqualTo("concurrency_limit_exceeded");

        clock.advance(properties().streamLease());

        admit(key, 1);
    }

    @Test
    void aLiveStreamRenewsItsLeaseUntilItCompletes() {
        Principal key = principal("k", limits(100, 100_000, 10), limits(100, 100_000, 1));
        RScoredSortedSet<String> slots = redisson.getScoredSortedSet(LimitSubject.key(key, prefix).slotKey(),
                StringCodec.INSTANCE);
        long start = clock.millis();
        AdmissionGrant streaming = admit(key, 1);

        clock.advance(Duration.ofSeconds(20));
        scheduler.advanceTimeBy(Duration.ofSeconds(10));   // a renewal is due every third of the 30 s lease
        await().atMost(TIMEOUT).until(() -> slots.firstScore() == start + 50_000);
        clock.advance(Duration.ofSeconds(20));   // past the first lease, inside the renewed one

        assertThat(refuse(key, 1).code()).isEqualTo("concurrency_limit_exceeded");
        complete(streaming, 1);
        scheduler.advanceTimeBy(Duration.ofSeconds(30));
        assertThat(slots.isExists()).as("no renewal after completion brings the slot back").isFalse();
        admit(key, 1);
    }

    @Test
    void idleBucketsAndSlotsExpireFromRedis() {
        Principal key = principal("k", limits(100, 100_000, 10), limits(60, 6_000, 10));
        admit(key, 600);
        LimitSubject subject = LimitSubject.key(key, prefix);

        // Refilled after 6 s (600 tokens at 6000 a minute), gone 10 s later.
        assertThat(redisson.getBucket(subject.bucketKey(Dimension.TOKENS)).remainTimeToLive())
                .isPositive().isLessThanOrEqualTo(16_000);
        assertThat(redisson.getBucket(subject.slotKey()).remainTimeToLive()).isPositive().isLessThanOrEqualTo(30_000);
    }

    @Test
    void proxiesOfBucketsNoLongerInUseAreDropped() {
        RedisLimitStore store = (RedisLimitStore) ((RedisFailoverAdmission) admission).shared().store();
        admit(principal("k", limits(100, 100_000, 10), limits(100, 100_000, 10)), 1);
        assertThat(store.proxyCount()).isEqualTo(4);

        scheduler.advanceTimeBy(RedisLimitStore.PROXY_IDLE_INTERVAL);
        assertThat(store.proxyCount()).as("used during the last interval").isEqualTo(4);
        scheduler.advanceTimeBy(RedisLimitStore.PROXY_IDLE_INTERVAL);
        assertThat(store.proxyCount()).isZero();
    }

    @Test
    void twoInstancesOnOneRedisTogetherAdmitNoMoreThanTheLimit() throws Exception {
        RedissonClient otherInstancesClient = Redisson.create(
                RateLimitConfiguration.redissonConfig(RedisConnectionProperties.of(TestRedis.address())));
        // Each instance with its own client and meters, as two gateway processes would have.
        Admission first = RateLimitConfiguration.createAdmission(properties(), redisson, clock, Schedulers.parallel(),
                new SimpleMeterRegistry(), "instance-a");
        Admission second = RateLimitConfiguration.createAdmission(properties(), otherInstancesClient, clock,
                Schedulers.parallel(), new SimpleMeterRegistry(), "instance-b");
        try {
            PlanLimits tenantLimits = limits(100, 10_000_000, 10_000);
            List<Principal> keys = IntStream.range(0, 4)
                    .mapToObj(i -> principal("k" + i, tenantLimits, limits(100_000, 10_000_000, 10_000))).toList();
            Principal warmUp = principal(tenant + "-warm-up", "w", tenantLimits, tenantLimits);
            complete(admit(first, warmUp, 1), 1);
            complete(admit(second, warmUp, 1), 1);
            AtomicInteger admitted = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();

            Flux<Integer> hammer = Flux.range(0, 300).flatMap(i -> (i % 2 == 0 ? first : second)
                    .admit(keys.get(i % keys.size()), 10)
                    .flatMap(grant -> grant.complete(10).thenReturn(i))
                    .doOnNext(admittedOne -> admitted.incrementAndGet())
                    .onErrorResume(GatewayException.RateLimited.class, refusal -> {
                        refused.incrementAndGet();
                        return Mono.empty();
                    }), 32);

            StepVerifier.create(hammer.then()).expectComplete().verify(Duration.ofSeconds(60));
            // The clock stands still, so nothing refills: exactly the limit is the expected outcome.
            assertThat(admitted.get()).isBetween(100, 102);
            assertThat(refused.get()).isEqualTo(300 - admitted.get());
        } finally {
            ((AutoCloseable) first).close();
            ((AutoCloseable) second).close();
            otherInstancesClient.shutdown();
        }
    }
}
