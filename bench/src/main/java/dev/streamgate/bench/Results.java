package dev.streamgate.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What a run measured, from any number of threads. Only requests whose (intended) start lies inside the measured
 * window count; those started in the warm-up are tallied apart and otherwise ignored. Latencies are kept in
 * microseconds in HdrHistograms with three significant digits.
 */
final class Results {
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final long measureStartNanos;
    private final long measureEndNanos;
    private final Recorder total = new Recorder(HIGHEST_MICROS, 3);
    private final Recorder firstChunk = new Recorder(HIGHEST_MICROS, 3);
    private final LongAdder ok = new LongAdder();
    private final LongAdder warmup = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

    Results(long measureStartNanos, long measureEndNanos) {
        this.measureStartNanos = measureStartNanos;
        this.measureEndNanos = measureEndNanos;
    }

    /** @param startNanos when the request was (meant to be) sent: latencies count from there */
    void record(long startNanos, Outcome outcome) {
        if (startNanos < measureStartNanos) {
            warmup.increment();
            return;
        }
        if (startNanos >= measureEndNanos) {
            // sent after the window closed (a virtual user's last, racing the stop): no part of the run's numbers
            return;
        }
        if (!outcome.ok()) {
            errors.computeIfAbsent(outcome.error(), k -> new LongAdder()).increment();
            return;
        }
        ok.increment();
        total.recordValue(micros(outcome.endNanos() - startNanos));
        if (outcome.firstDataNanos() >= 0) {
            firstChunk.recordValue(micros(outcome.firstDataNanos() - startNanos));
        }
    }

    /** Everything recorded so far; call once, after the run. */
    Snapshot snapshot() {
        Map<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((error, count) -> errorCounts.put(error, count.sum()));
        return new Snapshot(ok.sum(), errorCounts, warmup.sum(), total.getIntervalHistogram(),
                firstChunk.getIntervalHistogram());
    }

    record Snapshot(long ok, Map<String, Long> errors, long warmupRequests, Histogram total, Histogram firstChunk) {
        long measuredRequests() {
            return ok + errors.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static long micros(long nanos) {
        return Math.min(HIGHEST_MICROS, Math.max(0, nanos / 1_000));
    }
}
