package dev.streamgate.config;

import java.time.Duration;

/** Connection pool of one deployment: one named pool each, so a slow upstream cannot starve the others. */
public record PoolSettings(int maxConnections, int pendingAcquireMax, Duration pendingAcquireTimeout,
                           Duration maxIdleTime) {
    public static final PoolSettings DEFAULT =
            new PoolSettings(500, 1000, Duration.ofSeconds(5), Duration.ofSeconds(60));

    public PoolSettings {
        Checks.positive(maxConnections, "pool.maxConnections");
        Checks.positive(pendingAcquireMax, "pool.pendingAcquireMax");
        Checks.positive(pendingAcquireTimeout, "pool.pendingAcquireTimeout");
        Checks.positive(maxIdleTime, "pool.maxIdleTime");
    }
}
