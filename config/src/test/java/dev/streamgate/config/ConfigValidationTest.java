package dev.streamgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every validation error a configuration record can raise, each naming its field for the operator. */
class ConfigValidationTest {
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);
    private static final PlanLimits LIMITS = new PlanLimits(60, 10_000, 2);

    private static DeploymentConfig deployment(String id, String model, ProviderKind provider, URI baseUrl,
                                               int weight) {
        return new DeploymentConfig(id, model, provider, baseUrl, null, null, weight, null, null, null, null);
    }

    static Stream<Arguments> invalidRecords() {
        URI base = URI.create("http://upstream:8000/v1");
        return Stream.of(
                // Checks.nonBlank, positive, atMost, notNegative, positive(Duration) through the records that use them
                Arguments.of((ThrowingCallable) () -> deployment(null, "m", ProviderKind.ECHO, null, 1),
                        "deployment.id must not be blank"),
                Arguments.of((ThrowingCallable) () -> deployment(" ", "m", ProviderKind.ECHO, null, 1),
                        "deployment.id must not be blank"),
                Arguments.of((ThrowingCallable) () -> deployment("d", "", ProviderKind.ECHO, null, 1),
                        "deployment.model must not be blank"),
                Arguments.of((ThrowingCallable) () -> deployment("d", "m", null, null, 1),
                        "deployment.provider is required for d"),
                Arguments.of((ThrowingCallable) () -> deployment("d", "m", ProviderKind.OPENAI, null, 1),
                        "deployment.baseUrl is required for OpenAI-compatible deployment d"),
                Arguments.of((ThrowingCallable) () -> deployment("d", "m", ProviderKind.OPENAI, base, -1),
                        "deployment.weight must not be negative, was -1"),

                Arguments.of((ThrowingCallable) () -> new PlanLimits(0, 1, 1),
                        "requestsPerMinute must be positive, was 0"),
                Arguments.of((ThrowingCallable) () -> new PlanLimits(1, -5, 1),
                        "tokensPerMinute must be positive, was -5"),
                Arguments.of((ThrowingCallable) () -> new PlanLimits(PlanLimits.MAX_PER_MINUTE + 1, 1, 1),
                        "requestsPerMinute must be at most 10000000000, was 10000000001"),
                Arguments.of((ThrowingCallable) () -> new PlanLimits(1, PlanLimits.MAX_PER_MINUTE + 1, 1),
                        "tokensPerMinute must be at most 10000000000, was 10000000001"),
                Arguments.of((ThrowingCallable) () -> new PlanLimits(1, 1, 0),
                        "concurrentStreams must be positive, was 0"),

                Arguments.of((ThrowingCallable) () -> new Plan("", "Free", LIMITS, LIMITS, null, 0),
                        "plan.id must not be blank"),
                Arguments.of((ThrowingCallable) () -> new Plan("free", null, LIMITS, LIMITS, null, 0),
                        "plan.name must not be blank"),
                Arguments.of((ThrowingCallable) () -> new Plan("free", "Free", null, LIMITS, null, 0),
                        "plan.tenantLimits and plan.keyLimits are required"),
                Arguments.of((ThrowingCallable) () -> new Plan("free", "Free", LIMITS, null, null, 0),
                        "plan.tenantLimits and plan.keyLimits are required"),

                Arguments.of((ThrowingCallable) () -> new PoolSettings(0, 1, ONE_SECOND, ONE_SECOND),
                        "pool.maxConnections must be positive, was 0"),
                Arguments.of((ThrowingCallable) () -> new PoolSettings(1, 0, ONE_SECOND, ONE_SECOND),
                        "pool.pendingAcquireMax must be positive, was 0"),
                Arguments.of((ThrowingCallable) () -> new PoolSettings(1, 1, Duration.ZERO, ONE_SECOND),
                        "pool.pendingAcquireTimeout must be a positive duration, was PT0S"),
                Arguments.of((ThrowingCallable) () -> new PoolSettings(1, 1, ONE_SECOND, null),
                        "pool.maxIdleTime must be a positive duration, was null"),

                Arguments.of((ThrowingCallable) () -> new Price(null, BigDecimal.ONE),
                        "price.inputPerMillion must be zero or more"),
                Arguments.of((ThrowingCallable) () -> new Price(BigDecimal.valueOf(-1), BigDecimal.ONE),
                        "price.inputPerMillion must be zero or more"),
                Arguments.of((ThrowingCallable) () -> new Price(BigDecimal.ONE, null),
                        "price.outputPerMillion must be zero or more"),
                Arguments.of((ThrowingCallable) () -> new Price(BigDecimal.ONE, BigDecimal.valueOf(-0.5)),
                        "price.outputPerMillion must be zero or more"),

                Arguments.of((ThrowingCallable) () -> new RetrySettings(0, ONE_SECOND, ONE_SECOND, 0.5),
                        "retry.maxAttempts must be positive, was 0"),
                Arguments.of((ThrowingCallable) () -> new RetrySettings(1, Duration.ofMillis(-1), ONE_SECOND, 0.5),
                        "retry.initialBackoff must be a positive duration, was PT-0.001S"),
                Arguments.of((ThrowingCallable) () -> new RetrySettings(1, ONE_SECOND, Duration.ZERO, 0.5),
                        "retry.maxBackoff must be a positive duration, was PT0S"),
                Arguments.of((ThrowingCallable) () -> new RetrySettings(1, ONE_SECOND, ONE_SECOND, -0.1),
                        "retry.jitter must be within 0..1, was -0.1"),
                Arguments.of((ThrowingCallable) () -> new RetrySettings(1, ONE_SECOND, ONE_SECOND, 1.5),
                        "retry.jitter must be within 0..1, was 1.5"),

                Arguments.of((ThrowingCallable) () -> new CircuitBreakerSettings(0f, 1, 1, ONE_SECOND),
                        "circuitBreaker.failureRateThreshold must be within (0, 100]"),
                Arguments.of((ThrowingCallable) () -> new CircuitBreakerSettings(100.5f, 1, 1, ONE_SECOND),
                        "circuitBreaker.failureRateThreshold must be within (0, 100]"),
                Arguments.of((ThrowingCallable) () -> new CircuitBreakerSettings(50f, 0, 1, ONE_SECOND),
                        "circuitBreaker.slidingWindowSize must be positive, was 0"),
                Arguments.of((ThrowingCallable) () -> new CircuitBreakerSettings(50f, 1, 0, ONE_SECOND),
                        "circuitBreaker.minimumCalls must be positive, was 0"),
                Arguments.of((ThrowingCallable) () -> new CircuitBreakerSettings(50f, 1, 1, null),
                        "circuitBreaker.openDuration must be a positive duration, was null"),

                Arguments.of((ThrowingCallable) () -> new UpstreamTimeouts(null, ONE_SECOND, ONE_SECOND, ONE_SECOND),
                        "timeouts.connect must be a positive duration, was null"),
                Arguments.of((ThrowingCallable) () -> new UpstreamTimeouts(ONE_SECOND, Duration.ZERO, ONE_SECOND,
                        ONE_SECOND), "timeouts.firstToken must be a positive duration, was PT0S"),
                Arguments.of((ThrowingCallable) () -> new UpstreamTimeouts(ONE_SECOND, ONE_SECOND,
                        Duration.ofSeconds(-1), ONE_SECOND),
                        "timeouts.betweenChunks must be a positive duration, was PT-1S"),
                Arguments.of((ThrowingCallable) () -> new UpstreamTimeouts(ONE_SECOND, ONE_SECOND, ONE_SECOND,
                        Duration.ZERO), "timeouts.total must be a positive duration, was PT0S"));
    }

    @ParameterizedTest
    @MethodSource("invalidRecords")
    void anInvalidValueIsAConfigExceptionNamingTheField(ThrowingCallable create, String message) {
        assertThatThrownBy(create).isExactlyInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void theBoundaryValuesAreAccepted() {
        assertThat(new PlanLimits(PlanLimits.MAX_PER_MINUTE, PlanLimits.MAX_PER_MINUTE, 1).requestsPerMinute())
                .isEqualTo(PlanLimits.MAX_PER_MINUTE);
        assertThat(new RetrySettings(1, ONE_SECOND, ONE_SECOND, 0).jitter()).isZero();
        assertThat(new RetrySettings(1, ONE_SECOND, ONE_SECOND, 1).jitter()).isEqualTo(1);
        assertThat(new CircuitBreakerSettings(100f, 1, 1, ONE_SECOND).failureRateThreshold()).isEqualTo(100f);
        assertThat(new Price(BigDecimal.ZERO, BigDecimal.ZERO)).isEqualTo(Price.FREE);
        assertThat(deployment("d", "m", ProviderKind.WORKER, null, 0).weight()).isZero();
    }

    @Test
    void aDeploymentFillsItsOptionalPartsWithTheDefaults() {
        DeploymentConfig d = deployment("d", "gpt-4o", ProviderKind.ECHO, null, 1);

        assertThat(d.upstreamModel()).isEqualTo("gpt-4o");
        assertThat(d.price()).isEqualTo(Price.FREE);
        assertThat(d.pool()).isEqualTo(PoolSettings.DEFAULT);
        assertThat(d.timeouts()).isEqualTo(UpstreamTimeouts.DEFAULT);
        assertThat(d.options()).isEmpty();
        assertThat(d.option("missing", "fallback")).isEqualTo("fallback");
        assertThat(new DeploymentConfig("d", "gpt-4o", ProviderKind.ECHO, null, null, " ", 1, null, null, null,
                Map.of("k", "v")).upstreamModel()).isEqualTo("gpt-4o");
    }

    @Test
    void aPlanWithoutAllowedModelsAllowsEveryModel() {
        assertThat(new Plan("free", "Free", LIMITS, LIMITS, null, 0).allows("any")).isTrue();
        Plan pro = new Plan("pro", "Pro", LIMITS, LIMITS, Set.of("gpt-4o"), 1);
        assertThat(pro.allows("gpt-4o")).isTrue();
        assertThat(pro.allows("gpt-3.5")).isFalse();
    }

    @Test
    void aPriceCostsPerMillionTokens() {
        Price price = new Price(new BigDecimal("2.50"), new BigDecimal("10"));
        assertThat(price.cost(1_000, 500)).isEqualByComparingTo("0.0075");
    }
}
