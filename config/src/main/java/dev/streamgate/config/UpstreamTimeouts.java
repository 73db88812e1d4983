package dev.streamgate.config;

import java.time.Duration;

/**
 * Timeouts for one upstream call: TCP connect, until the first token, the longest silence between two chunks,
 * and the whole stream.
 */
public record UpstreamTimeouts(Duration connect, Duration firstToken, Duration betweenChunks, Duration total) {
    public static final UpstreamTimeouts DEFAULT = new UpstreamTimeouts(
            Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofMinutes(10));

    public UpstreamTimeouts {
        Checks.positive(connect, "timeouts.connect");
        Checks.positive(firstToken, "timeouts.firstToken");
        Checks.positive(betweenChunks, "timeouts.betweenChunks");
        Checks.positive(total, "timeouts.total");
    }
}
