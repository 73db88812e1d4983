package dev.streamgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

/**
 * The records bind from maps and JSON through their canonical constructors (as Jackson and Spring Boot's
 * constructor binding create them), so a bound value is checked exactly as a constructed one.
 */
class ConfigBindingTest {
    private static final JsonMapper JSON = JsonMapper.shared();

    /** The ConfigException itself, or the one a binding exception wraps. */
    private static ConfigException configException(Throwable thrown) {
        for (Throwable e = thrown; e != null; e = e.getCause()) {
            if (e instanceof ConfigException config) {
                return config;
            }
        }
        return null;
    }

    @Test
    void aDeploymentBindsFromAMapWithNestedRecordsAndDurations() {
        Map<String, Object> map = Map.of(
                "id", "primary",
                "model", "gpt-4o",
                "provider", "OPENAI",
                "baseUrl", "http://upstream:8000/v1",
                "weight", 3,
                "price", Map.of("inputPerMillion", "2.50", "outputPerMillion", 10),
                "pool", Map.of("maxConnections", 50, "pendingAcquireMax", 100, "pendingAcquireTimeout", "PT2S",
                        "maxIdleTime", "PT30S"),
                "timeouts", Map.of("connect", "PT1S", "firstToken", "PT20S", "betweenChunks", "PT10S",
                        "total", "PT5M"),
                "options", Map.of("streamUsage", "false"));

        DeploymentConfig d = JSON.convertValue(map, DeploymentConfig.class);

        assertThat(d.baseUrl()).isEqualTo(URI.create("http://upstream:8000/v1"));
        assertThat(d.provider()).isEqualTo(ProviderKind.OPENAI);
        assertThat(d.upstreamModel()).isEqualTo("gpt-4o");
        assertThat(d.price()).isEqualTo(new Price(new BigDecimal("2.50"), BigDecimal.TEN));
        assertThat(d.pool()).isEqualTo(new PoolSettings(50, 100, Duration.ofSeconds(2), Duration.ofSeconds(30)));
        assertThat(d.timeouts()).isEqualTo(new UpstreamTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(20),
                Duration.ofSeconds(10), Duration.ofMinutes(5)));
        assertThat(d.option("streamUsage", "true")).isEqualTo("false");
    }

    @Test
    void aDeploymentWithOnlyItsRequiredFieldsGetsTheDefaults() {
        DeploymentConfig d = JSON.readValue("{\"id\":\"echo\",\"model\":\"echo\",\"provider\":\"ECHO\",\"weight\":1}",
                DeploymentConfig.class);

        assertThat(d.pool()).isEqualTo(PoolSettings.DEFAULT);
        assertThat(d.timeouts()).isEqualTo(UpstreamTimeouts.DEFAULT);
        assertThat(d.price()).isEqualTo(Price.FREE);
        assertThat(d.options()).isEmpty();
    }

    @Test
    void aPlanBindsFromJson() {
        Plan plan = JSON.readValue("""
                {"id": "pro", "name": "Pro", "priority": 2, "allowedModels": ["gpt-4o", "echo"],
                 "tenantLimits": {"requestsPerMinute": 600, "tokensPerMinute": 100000, "concurrentStreams": 20},
                 "keyLimits": {"requestsPerMinute": 60, "tokensPerMinute": 10000, "concurrentStreams": 2}}
                """, Plan.class);

        assertThat(plan.tenantLimits()).isEqualTo(new PlanLimits(600, 100_000, 20));
        assertThat(plan.keyLimits()).isEqualTo(new PlanLimits(60, 10_000, 2));
        assertThat(plan.allowedModels()).containsExactlyInAnyOrder("gpt-4o", "echo");
        assertThat(plan.priority()).isEqualTo(2);
    }

    @Test
    void retryAndCircuitBreakerSettingsBindFromMaps() {
        assertThat(JSON.convertValue(Map.of("maxAttempts", 5, "initialBackoff", "PT0.2S", "maxBackoff", "PT4S",
                "jitter", 0.25), RetrySettings.class))
                .isEqualTo(new RetrySettings(5, Duration.ofMillis(200), Duration.ofSeconds(4), 0.25));
        assertThat(JSON.convertValue(Map.of("failureRateThreshold", 25, "slidingWindowSize", 50, "minimumCalls", 5,
                "openDuration", "PT1M"), CircuitBreakerSettings.class))
                .isEqualTo(new CircuitBreakerSettings(25f, 50, 5, Duration.ofMinutes(1)));
    }

    @Test
    void aBoundInvalidValueFailsWithTheRecordsOwnMessage() {
        assertThatThrownBy(() -> JSON.convertValue(Map.of("requestsPerMinute", 0, "tokensPerMinute", 1,
                "concurrentStreams", 1), PlanLimits.class))
                .satisfies(e -> assertThat(configException(e)).isNotNull())
                .extracting(ConfigBindingTest::configException).extracting(Throwable::getMessage)
                .isEqualTo("requestsPerMinute must be positive, was 0");
        assertThatThrownBy(() -> JSON.readValue("{\"id\":\"d\",\"model\":\"m\",\"provider\":\"OPENAI\",\"weight\":1}",
                DeploymentConfig.class))
                .satisfies(e -> assertThat(configException(e)).isNotNull())
                .extracting(ConfigBindingTest::configException).extracting(Throwable::getMessage)
                .isEqualTo("deployment.baseUrl is required for OpenAI-compatible deployment d");
        assertThatThrownBy(() -> JSON.convertValue(Map.of("pool", Map.of("maxConnections", 1,
                "pendingAcquireMax", 1, "pendingAcquireTimeout", "PT0S", "maxIdleTime", "PT1S"),
                "id", "d", "model", "m", "provider", "ECHO", "weight", 1), DeploymentConfig.class))
                .satisfies(e -> assertThat(configException(e)).isNotNull())
                .extracting(ConfigBindingTest::configException).extracting(Throwable::getMessage)
                .isEqualTo("pool.pendingAcquireTimeout must be a positive duration, was PT0S");
    }
}
