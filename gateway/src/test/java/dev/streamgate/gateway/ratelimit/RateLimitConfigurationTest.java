package dev.streamgate.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;

import dev.streamgate.config.Plan;
import dev.streamgate.config.PlanLimits;
import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.ratelimit.RateLimitProperties.Backend;
import dev.streamgate.gateway.ratelimit.RateLimitProperties.RedisFailurePolicy;
import dev.streamgate.gateway.testsupport.TestRedis;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.test.StepVerifier;

/** The Spring wiring: which admission and clients exist for which properties. */
class RateLimitConfigurationTest {
    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(RateLimitConfiguration.class)
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new);

    private final PlanLimits limits = new PlanLimits(60, 10_000, 5);
    private final Principal principal = new Principal("tenant", "key", "key", Set.of(),
            new Plan("plan", "Plan", limits, limits, Set.of(), 0));

    @Test
    void theEmbeddedDefaultUsesLocalBucketsAndNoRedis() {
        context.run(started -> {
            assertThat(started).hasSingleBean(Admission.class).doesNotHaveBean(RedissonClient.class);
            assertThat(started.getBean(Admission.class)).isInstanceOf(TokenBucketAdmission.class);
            assertThat(started.getBean(RateLimitProperties.class)).isEqualTo(RateLimitProperties.defaults());
            admits(started.getBean(Admission.class));
        });
    }

    @Test
    void theRedisBackendCreatesTheClientAndTheFailoverAdmission() {
        context.withPropertyValues("streamgate.ratelimit.backend=redis",
                        "streamgate.ratelimit.redis-failure-policy=reject",
                        "streamgate.ratelimit.redis-timeout=5s",
                        "streamgate.ratelimit.key-prefix=" + TestRedis.uniquePrefix(),
                        "streamgate.redis.url=" + TestRedis.address(),
                        "streamgate.redis.pool-size=4")
                .run(started -> {
                    assertThat(started).hasSingleBean(RedissonClient.class);
                    assertThat(started.getBean(Admission.class)).isInstanceOf(RedisFailoverAdmission.class);
                    RateLimitProperties properties = started.getBean(RateLimitProperties.class);
                    assertThat(properties.backend()).isEqualTo(Backend.REDIS);
                    assertThat(properties.redisFailurePolicy()).isEqualTo(RedisFailurePolicy.REJECT);
                    assertThat(properties.redisTimeout()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(started.getBean(RedisConnectionProperties.class).poolSize()).isEqualTo(4);
                    // Fail closed: this admission can only succeed through Redis.
                    admits(started.getBean(Admission.class));
                });
    }

    @Test
    void theGatewayStartsWhileRedisIsDownAndAdmitsByItsFailurePolicy() throws Exception {
        int closedPort = TestRedis.freePort();
        context.withPropertyValues("streamgate.ratelimit.backend=redis",
                        "streamgate.redis.url=redis://127.0.0.1:" + closedPort)
                .run(started -> {
                    assertThat(started).hasNotFailed();
                    admits(started.getBean(Admission.class));
                    assertThat(started.getBean(MeterRegistry.class).get(RateLimitMetrics.FALLBACKS)
                            .tag("policy", "local").counter().count()).isEqualTo(1);
                });
    }

    @Test
    void invalidPropertiesStopTheStartWithTheirName() {
        context.withPropertyValues("streamgate.ratelimit.redis-timeout=0s")
                .run(started -> assertThat(started).getFailure().rootCause()
                        .hasMessageContaining("streamgate.ratelimit.redis-timeout must be a positive duration"));
        context.withPropertyValues("streamgate.ratelimit.backend=redis", "streamgate.redis.url=localhost:6379")
                .run(started -> assertThat(started).getFailure().rootCause()
                        .hasMessageContaining("streamgate.redis.url must be redis://host:port"));
    }

    private void admits(Admission admission) {
        StepVerifier.create(admission.admit(principal, 100)
                        .flatMap(grant -> grant.complete(50).thenReturn(grant.headers())))
                .assertNext(headers -> assertThat(headers).containsEntry("x-ratelimit-limit-requests", "60"))
                .expectComplete()
                .verify(Duration.ofSeconds(10));
    }
}
