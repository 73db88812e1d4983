package dev.streamgate.adapters.internal;

import java.time.Duration;
import java.util.random.RandomGenerator;

import dev.streamgate.config.RetrySettings;

/**
 * Delay before a retry: exponential from {@code initialBackoff}, capped at {@code maxBackoff}, shortened by up to
 * {@code jitter} of itself at random so that clients failing together do not retry together. An upstream's
 * {@code Retry-After} wins when it asks for longer, still within the cap: a request waiting for its first token
 * should not sleep for minutes.
 */
public final class Backoff {
    private final RetrySettings settings;
    private final RandomGenerator random;

    public Backoff(RetrySettings settings, RandomGenerator random) {
        this.settings = settings;
        this.random = random;
    }

    /**
     * @param retry      1 for the first retry, 2 for the second, ...
     * @param retryAfter what the upstream asked for, or null
     */
    public Duration delay(int retry, Duration retryAfter) {
        long max = settings.maxBackoff().toNanos();
        long base = settings.initialBackoff().toNanos();
        for (int i = 1; i < retry && base < max; i++) {
            base = base > max / 2 ? max : base * 2;
        }
        base = Math.min(base, max);
        long delay = (long) (base * (1 - settings.jitter() * random.nextDouble()));
        if (retryAfter != null && retryAfter.toNanos() > delay) {
            delay = Math.min(retryAfter.toNanos(), max);
        }
        return Duration.ofNanos(delay);
    }
}
