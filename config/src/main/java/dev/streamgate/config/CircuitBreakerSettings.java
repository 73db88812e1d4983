package dev.streamgate.config;

import java.time.Duration;

/** Circuit breaker per deployment: opens when the failure rate over the window crosses the threshold. */
public record CircuitBreakerSettings(float failureRateThreshold, int slidingWindowSize, int minimumCalls,
                                     Duration openDuration) {
    public static final CircuitBreakerSettings DEFAULT =
            new CircuitBreakerSettings(50f, 20, 10, Duration.ofSeconds(30));

    public CircuitBreakerSettings {
        if (failureRateThreshold <= 0 || failureRateThreshold > 100) {
            throw new ConfigException("circuitBreaker.failureRateThreshold must be within (0, 100]");
        }
        Checks.positive(slidingWindowSize, "circuitBreaker.slidingWindowSize");
        Checks.positive(minimumCalls, "circuitBreaker.minimumCalls");
        Checks.positive(openDuration, "circuitBreaker.openDuration");
    }
}
