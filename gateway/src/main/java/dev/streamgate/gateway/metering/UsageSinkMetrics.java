package dev.streamgate.gateway.metering;

import java.util.function.IntSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** What the usage sink reports: records written, skipped and set aside, batch latency, failures and queue depth. */
final class UsageSinkMetrics {
    private final MeterRegistry registry;
    private final Counter written;
    private final Counter duplicates;
    private final Counter deadLettered;
    private final Counter unwritten;
    private final Counter failures;
    private final Timer batchDuration;

    UsageSinkMetrics(MeterRegistry registry, IntSupplier queueDepth) {
        this.registry = registry;
        this.written = Counter.builder("streamgate.usage.records.written")
                .description("Usage records inserted into the database").register(registry);
        this.duplicates = Counter.builder("streamgate.usage.records.duplicates")
                .description("Usage records skipped because their request id was already written").register(registry);
        this.deadLettered = Counter.builder("streamgate.usage.records.dead_lettered")
                .description("Usage records the database refused, kept in usage_dead_letters").register(registry);
        this.unwritten = Counter.builder("streamgate.usage.records.unwritten")
                .description("Usage records that could not be written before shutdown (logged in full)")
                .register(registry);
        this.failures = Counter.builder("streamgate.usage.write.failures")
                .description("Failed batch write attempts (each is retried)").register(registry);
        this.batchDuration = Timer.builder("streamgate.usage.batch.duration")
                .description("Time to write one batch, retries included").register(registry);
        Gauge.builder("streamgate.usage.queue.depth", queueDepth, s -> s.getAsInt())
                .description("Usage records waiting to be written").register(registry);
    }

    Timer.Sample batchStarted() {
        return Timer.start(registry);
    }

    void batchWritten(Timer.Sample sample, UsageRecordWriter.Outcome outcome) {
        sample.stop(batchDuration);
        written.increment(outcome.inserted());
        duplicates.increment(outcome.duplicates());
        deadLettered.increment(outcome.deadLettered());
    }

    void attemptFailed() {
        failures.increment();
    }

    void unwritten(int records) {
        unwritten.increment(records);
    }
}
