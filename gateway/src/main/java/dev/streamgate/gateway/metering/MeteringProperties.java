package dev.streamgate.gateway.metering;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code streamgate.metering.*}.
 *
 * @param flushWindow     the longest a usage record waits before it is written: what a crash may lose at most
 * @param batchSize       records per insert; a full batch is written at once, before the window ends
 * @param maxBacklog      records waiting beyond which the backlog is reported (logs and the queue-depth metric);
 *                        records are still kept, never dropped
 * @param retryMinBackoff first wait before a failed batch is tried again; doubles up to {@code retryMaxBackoff}
 * @param shutdownTimeout how long shutdown waits for the last records to be written
 */
@ConfigurationProperties("streamgate.metering")
public record MeteringProperties(@DefaultValue("1s") Duration flushWindow,
                                 @DefaultValue("500") int batchSize,
                                 @DefaultValue("100000") int maxBacklog,
                                 @DefaultValue("100ms") Duration retryMinBackoff,
                                 @DefaultValue("10s") Duration retryMaxBackoff,
                                 @DefaultValue("30s") Duration shutdownTimeout) {
    /** The most records one insert carries (one array per column): bounds the size of one statement. */
    public static final int MAX_BATCH_SIZE = 4000;

    public MeteringProperties {
        positive(flushWindow, "flush-window");
        positive(retryMinBackoff, "retry-min-backoff");
        positive(retryMaxBackoff, "retry-max-backoff");
        positive(shutdownTimeout, "shutdown-timeout");
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("streamgate.metering.batch-size must be within 1.." + MAX_BATCH_SIZE);
        }
        if (maxBacklog < batchSize) {
            throw new IllegalArgumentException("streamgate.metering.max-backlog must be at least batch-size");
        }
        if (retryMaxBackoff.compareTo(retryMinBackoff) < 0) {
            throw new IllegalArgumentException(
                    "streamgate.metering.retry-max-backoff must not be shorter than retry-min-backoff");
        }
    }

    private static void positive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("streamgate.metering." + name + " must be positive");
        }
    }
}
