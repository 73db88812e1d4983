package dev.streamgate.config;

import java.time.Duration;

/**
 * Retries of one request before its first token: attempts in total (1 = no retry), exponential backoff bounds and
 * the jitter factor (0..1) that spreads retries of many clients apart.
 */
public record RetrySettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double jitter) {
    public static final RetrySettings DEFAULT =
            new RetrySettings(3, Duration.ofMillis(100), Duration.ofSeconds(2), 0.5);

    public RetrySettings {
        Checks.positive(maxAttempts, "retry.maxAttempts");
        Checks.positive(initialBackoff, "retry.initialBackoff");
        Checks.positive(maxBackoff, "retry.maxBackoff");
        if (jitter < 0 || jitter > 1) {
            throw new ConfigException("retry.jitter must be within 0..1, was " + jitter);
        }
    }
}
