package dev.streamgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * How fast a JVM allocated during a window, from a recording of {@code jdk.ThreadAllocationStatistics} (see
 * {@link JvmProbe}): each event is one thread's bytes allocated since it started, and the recorder writes one for every
 * live thread at each period, all at about the same time (a batch).
 *
 * @param bytes   allocated between the first and the last batch inside the window
 * @param seconds between those two batches
 */
record AllocationRate(double bytes, double seconds) {
    static final String EVENT = "jdk.ThreadAllocationStatistics";
    /** Events further apart than this belong to two batches (the period is a second). */
    private static final Duration BATCH_GAP = Duration.ofMillis(200);

    double bytesPerSecond() {
        return seconds <= 0 ? 0 : bytes / seconds;
    }

    /** One thread's counter at one moment. */
    record Sample(Instant time, long thread, long allocated) {
    }

    static AllocationRate read(Path recording, Instant from, Instant to) {
        List<Sample> samples = new ArrayList<>();
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (event.getEventType().getName().equals(EVENT)) {
                    RecordedThread thread = event.getThread("thread");
                    samples.add(new Sample(event.getStartTime(), thread == null ? -1 : thread.getId(),
                            event.getLong("allocated")));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the recording " + recording, e);
        }
        return of(samples, from, to);
    }

    /**
     * The bytes allocated from the first batch inside [from, to] to the last: for each thread, its last counter in
     * the window less its counter in the first batch (zero for a thread that started after it). A thread that ended
     * in the window counts up to its last sample; what it allocated after that is missed.
     */
    static AllocationRate of(List<Sample> all, Instant from, Instant to) {
        List<Sample> inWindow = all.stream()
                .filter(s -> !s.time().isBefore(from) && !s.time().isAfter(to))
                .sorted(Comparator.comparing(Sample::time))
                .toList();
        if (inWindow.isEmpty()) {
            throw new IllegalArgumentException("no " + EVENT + " event between " + from + " and " + to);
        }
        Instant firstBatch = inWindow.getFirst().time();
        Map<Long, Long> first = new HashMap<>();
        Map<Long, Long> last = new HashMap<>();
        Instant lastBatch = firstBatch;
        for (Sample s : inWindow) {
            if (Duration.between(firstBatch, s.time()).compareTo(BATCH_GAP) <= 0) {
                first.putIfAbsent(s.thread(), s.allocated());
            } else {
                lastBatch = s.time();
            }
            last.put(s.thread(), s.allocated());
        }
        if (lastBatch.equals(firstBatch)) {
            throw new IllegalArgumentException("only one batch of " + EVENT + " between " + from + " and " + to
                    + ": the window is too short for a rate");
        }
        // The last batch's own start: its events may be spread over a few milliseconds.
        Instant lastBatchStart = lastBatch;
        for (Sample s : inWindow) {
            if (Duration.between(s.time(), lastBatch).compareTo(BATCH_GAP) <= 0 && s.time().isBefore(lastBatchStart)) {
                lastBatchStart = s.time();
            }
        }
        double bytes = 0;
        for (Map.Entry<Long, Long> e : last.entrySet()) {
            bytes += e.getValue() - first.getOrDefault(e.getKey(), 0L);
        }
        double seconds = Duration.between(firstBatch, lastBatchStart).toNanos() / 1e9;
        return new AllocationRate(bytes, seconds);
    }
}
