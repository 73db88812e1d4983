package dev.streamgate.gateway.ratelimit;

import dev.streamgate.adapters.MutableClock;
import static dev.streamgate.gateway.ratelimit.AdmissionContract.limits;
import static dev.streamgate.gateway.ratelimit.AdmissionContract.principal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.streamgate.config.PlanLimits;
import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.error.GatewayException;
import dev.streamgate.gateway.ratelimit.RateLimitProperties.Backend;
import dev.streamgate.gateway.ratelimit.RateLimitProperties.RedisFailurePolicy;
import dev.streamgate.gateway.testsupport.TestRedis;
import dev.streamgate.gateway.testsupport.TestRedis.PrivateRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Hooks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * Redis going away under a running gateway, on a Redis server of the test's own. Every admission must return
 * within {@link #BOUND}, far less than Redisson's own timeouts or a hanging Redis would make it wait.
 */
class RedisFailoverIT {
    static final Duration BOUND = Duration.ofSeconds(2);
    static final Duration REDIS_TIMEOUT = Duration.ofMillis(300);
    static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);
    static final int ATTEMPTS = 3;
    static final int FAILURE_THRESHOLD = 5;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final String prefix = TestRedis.uniquePrefix();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final PlanLimits roomy = limits(1_000, 1_000_000, 100);
    private final Principal key = principal("tenant", "k", roomy, limits(3, 1_000_000, 100));
    private PrivateRedis redis;
    private RedissonClient client;
    private RedisFailoverAdmission admission;

    @BeforeEach
    void startRedis() {
        redis = TestRedis.startPrivate();
        client = Redisson.create(RateLimitConfiguration.redissonConfig(new RedisConnectionProperties(redis.address(),
                null, null, Duration.ofMillis(500), Duration.ofSeconds(1), 4, 1, Duration.ofMillis(200),
                Duration.ofSeconds(1))));
        log.start();
        ((Logger) LoggerFactory.getLogger(RedisOutageReporter.class)).addAppender(log);
    }

    @AfterEach
    void stopRedis() {
        ((Logger) LoggerFactory.getLogger(RedisOutageReporter.class)).detachAppender(log);
        if (admission != null) {
            admission.close();
        }
        redis.stop();
        client.shutdown();
    }

    @Test
    void theLocalPolicyKeepsLimitsPerInstanceWhileRedisIsDownAndRecoversOnItsOwn() {
        admission = admission(RedisFailurePolicy.LOCAL);
        warmUp(admission);
        admitWithin(key);
        assertThat(inRedis(key)).isTrue();

        redis.stop();

        // The key's three requests a minute hold again, on this instance's own buckets.
        for (int i = 0; i < 3; i++) {
            admitWithin(key);
        }
        assertThat(refuseWithin(key).code()).isEqualTo("rate_limit_exceeded");
        assertThat(fallbacks("local")).isEqualTo(4);
        assertThat(degradedGauge()).isEqualTo(1);
        assertThat(admission.declaredDown()).isTrue();

        redis.restart();
        Principal probe = principal("tenant", "probe", roomy, roomy);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            clock.advance(RETRY_INTERVAL);
            AdmissionContract.complete(admitWithin(probe), 1);
            assertThat(degradedGauge()).isZero();
        });

        assertThat(admission.declaredDown()).isFalse();
        admitWithin(key);
        assertThat(inRedis(key)).as("counted in Redis again").isTrue();
        assertThat(logged("Redis declared down after 5 consecutive failed")).as("the transition, once").isEqualTo(1);
        assertThat(logged("Redis answers rate-limit calls again")).as("the transition, once").isEqualTo(1);
        assertThat(logged("followed the 'local' failure policy since the last report"))
                .as("fallbacks throttled to one line per interval").isEqualTo(1);
    }

    @Test
    void aRedisThatHangsCostsAnAdmissionNoMoreThanTheTimeout() throws IOException {
        admission = admission(RedisFailurePolicy.LOCAL);
        warmUp(admission);
        AdmissionGrant before = admitWithin(key);
        assertThat(inRedis(key)).isTrue();

        pause(redis, Duration.ofSeconds(6));

        for (int i = 0; i < 2; i++) {
            admitWithin(key);
        }
        StepVerifier.create(before.complete(1)).expectComplete().verify(BOUND);
        assertThat(fallbacks("local")).isEqualTo(2);
        assertThat(log.list.getFirst().getFormattedMessage()).contains("'local' failure policy", "no answer within 300 ms");
    }

    @Test
    void aSingleSlowAnswerIsWaitedForAndWhatItTookIsGivenBack() throws IOException {
        admission = admission(RedisFailurePolicy.LOCAL);
        warmUp(admission);

        // The first attempt (300 ms) gets no answer; the second is answered once the pause ends.
        pause(redis, Duration.ofMillis(450));
        admitWithin(key);

        assertThat(fallbacks("local")).as("one slow answer is not an outage").isZero();
        assertThat(admission.declaredDown()).isFalse();
        // The abandoned attempt's four buckets and two slots, given back when its answers landed.
        await().atMost(Duration.ofSeconds(5)).until(() -> lateAnswers("undone") == 6);
        admitWithin(key);
        admitWithin(key);
        assertThat(refuseWithin(key).code()).as("exactly the key's 3 a minute").isEqualTo("rate_limit_exceeded");
        assertThat(fallbacks("local")).isZero();
    }

    @Test
    void aSlotAcquiredAfterTheCallerGaveUpIsReleasedAndLateFailuresAreNotDropped() throws IOException {
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        Hooks.onErrorDropped(dropped::add);
        RedisLimitStore store = new RedisLimitStore(client, clock, REDIS_TIMEOUT, Duration.ofSeconds(30),
                Schedulers.parallel(), Schedulers.parallel(), new RateLimitMetrics(registry), Duration.ofMinutes(1));
        try {
            StepVerifier.create(store.connect(Duration.ofSeconds(20))).expectComplete().verify(Duration.ofSeconds(30));
            String slot = prefix + "late:streams";

            pause(redis, Duration.ofMillis(800));
            StepVerifier.create(store.acquireSlot(slot, 5, "lease-late"))
                    .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(RateLimitStoreException.class)
                            .hasMessageContaining("no answer within 300 ms"))
                    .verify(BOUND);

            await().atMost(Duration.ofSeconds(5)).until(() -> lateAnswers("undone") == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> client.getScoredSortedSet(slot).size() == 0);

            pause(redis, Duration.ofSeconds(3));
            StepVerifier.create(store.acquireSlot(slot, 5, "lease-lost")).expectError(RateLimitStoreException.class)
                    .verify(BOUND);
            redis.stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> lateAnswers("failed") == 1);
            assertThat(dropped).isEmpty();
        } finally {
            store.close();
            Hooks.resetOnErrorDropped();
        }
    }

    @Test
    void theWarmUpLoadsTheScriptsBeforeTheFirstRequest() throws Exception {
        admission = admission(RedisFailurePolicy.REJECT);
        List<String> scripts = List.of(sha1(RedisStreamSlots.ACQUIRE), sha1(RedisStreamSlots.RENEW));
        assertThat(client.getScript().scriptExists(scripts.toArray(String[]::new))).containsExactly(false, false);

        warmUp(admission);

        assertThat(client.getScript().scriptExists(scripts.toArray(String[]::new))).containsExactly(true, true);
        assertThat(fallbacks("reject")).isZero();
    }

    @Test
    void theAllowPolicyFailsOpen() {
        admission = admission(RedisFailurePolicy.ALLOW);
        redis.stop();

        for (int i = 0; i < 5; i++) {
            assertThat(admitWithin(key).headers()).isEmpty();
        }
        assertThat(fallbacks("allow")).isEqualTo(5);
    }

    @Test
    void theRejectPolicyFailsClosed() {
        admission = admission(RedisFailurePolicy.REJECT);
        redis.stop();

        AtomicReference<Throwable> error = new AtomicReference<>();
        StepVerifier.create(admission.admit(key, 1)).expectErrorSatisfies(error::set).verify(BOUND);

        GatewayException unavailable = (GatewayException) error.get();
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.code()).isEqualTo("rate_limiter_unavailable");
        assertThat(unavailable.headers()).containsEntry("Retry-After", Long.toString(RETRY_INTERVAL.toSeconds()));
        assertThat(fallbacks("reject")).isEqualTo(1);
    }

    @Test
    void aGatewayStartedWhileRedisIsDownUsesRedisOnceItIsUp() {
        redis.stop();
        admission = admission(RedisFailurePolicy.LOCAL);

        // Three failed attempts, then two more: the run that declares Redis down.
        admitWithin(key);
        assertThat(degradedGauge()).isZero();
        admitWithin(key);
        assertThat(degradedGauge()).isEqualTo(1);

        redis.restart();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            clock.advance(RETRY_INTERVAL);
            AdmissionContract.complete(admitWithin(key), 1);
            assertThat(degradedGauge()).isZero();
        });
        // A fallback leaves no trace in Redis: a newcomer found there was admitted by Redis. (The first calls
        // on a reconnected client may still be slow on a busy machine, hence the retries.)
        Principal newcomer = principal("tenant", "newcomer", roomy, roomy);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            clock.advance(RETRY_INTERVAL);
            AdmissionContract.complete(admitWithin(newcomer), 1);
            assertThat(inRedis(newcomer)).isTrue();
        });
    }

    private RedisFailoverAdmission admission(RedisFailurePolicy policy) {
        return admission(policy, REDIS_TIMEOUT, registry);
    }

    private RedisFailoverAdmission admission(RedisFailurePolicy policy, Duration timeout, SimpleMeterRegistry meters) {
        RateLimitProperties properties = new RateLimitProperties(Backend.REDIS, policy, timeout, ATTEMPTS,
                FAILURE_THRESHOLD, RETRY_INTERVAL, Duration.ofSeconds(10), prefix, Duration.ofSeconds(30),
                Duration.ofSeconds(1), Duration.ofMinutes(1));
        return (RedisFailoverAdmission) RateLimitConfiguration.createAdmission(properties, client, clock,
                Schedulers.parallel(), meters, "instance-a");
    }

    /** What start-up does before the instance reports ready: connections opened, scripts loaded. */
    private void warmUp(RedisFailoverAdmission admission) {
        StepVerifier.create(admission.warmUp(Duration.ofSeconds(20))).expectComplete().verify(Duration.ofSeconds(30));
        log.list.clear();
    }

    private AdmissionGrant admitWithin(Principal principal) {
        AtomicReference<AdmissionGrant> grant = new AtomicReference<>();
        StepVerifier.create(admission.admit(principal, 1)).consumeNextWith(grant::set).expectComplete().verify(BOUND);
        return grant.get();
    }

    private GatewayException refuseWithin(Principal principal) {
        AtomicReference<Throwable> error = new AtomicReference<>();
        StepVerifier.create(admission.admit(principal, 1)).expectErrorSatisfies(error::set).verify(BOUND);
        return (GatewayException) error.get();
    }

    private boolean inRedis(Principal principal) {
        return client.getBucket(LimitSubject.key(principal, prefix).bucketKey(Dimension.REQUESTS)).isExists();
    }

    private double fallbacks(String policy) {
        var counter = registry.find(RateLimitMetrics.FALLBACKS).tag("policy", policy).counter();
        return counter == null ? 0 : counter.count();
    }

    private static String sha1(String script) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest(script.getBytes(StandardCharsets.UTF_8)));
    }

    private double lateAnswers(String outcome) {
        var counter = registry.find(RateLimitMetrics.LATE_ANSWERS).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private double degradedGauge() {
        return registry.get(RateLimitMetrics.DEGRADED).gauge().value();
    }

    private long logged(String text) {
        return log.list.stream().filter(event -> event.getFormattedMessage().contains(text)).count();
    }

    /** {@code CLIENT PAUSE}: the server keeps its connections but answers no one, like a Redis that hangs. */
    private static void pause(PrivateRedis redis, Duration duration) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", redis.port())) {
            String millis = Long.toString(duration.toMillis());
            String command = "*3\r\n$6\r\nCLIENT\r\n$5\r\nPAUSE\r\n$" + millis.length() + "\r\n" + millis + "\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(command.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[5];
            assertThat(in.readNBytes(reply, 0, 5)).isEqualTo(5);
            assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo("+OK\r\n");
        }
    }
}
