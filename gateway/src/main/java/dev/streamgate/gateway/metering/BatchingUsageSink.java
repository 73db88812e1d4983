package dev.streamgate.gateway.metering;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * The gateway's {@link UsageSink}: {@link #record} appends to a lock-free queue and returns; one writer drains the
 * queue in batches off the request path. A batch is written when {@code batchSize} records wait (early, so the queue
 * stays short under load) or when the flush window ends, whichever comes first. A failed batch is retried with
 * exponential back-off until it succeeds, while new records keep queueing behind it: nothing is dropped, and
 * duplicates cannot arise because inserts ignore request ids already written. On shutdown the sink stops after the web
 * server (its phase is lower) and writes everything still queued before the database pool closes.
 *
 * <p>Flushes are exact: {@link #flush()} puts a marker into the queue and completes once every record before the
 * marker is in the database.
 */
public final class BatchingUsageSink implements UsageSink, SmartLifecycle, DisposableBean {
    /** Stops after the web server (which stops at {@code DEFAULT_PHASE - 2048}) so in-flight requests are metered. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;
    private static final Logger log = LoggerFactory.getLogger(BatchingUsageSink.class);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(30);

    private sealed interface Entry permits Item, Marker {
    }

    private record Item(UsageRecord record) implements Entry {
    }

    /** Runs {@code written} once every record queued before it has been written. */
    private record Marker(Runnable written) implements Entry {
    }

    private record Batch(List<UsageRecord> records, List<Marker> markers) {
    }

    private final UsageRecordWriter writer;
    private final MeteringProperties properties;
    // One thread owns the drain loop, so batches are taken and finished strictly one at a time.
    private final Scheduler loop = Schedulers.newSingle("usage-writer", true);
    private final Queue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger markers = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicBoolean windowMarkerQueued = new AtomicBoolean();
    private final AtomicBoolean backlogReported = new AtomicBoolean();
    private final UsageSinkMetrics metrics;

    private volatile Batch inFlight;
    private volatile Disposable inFlightWrite;
    private volatile Disposable windowTicks;
    private volatile boolean closed;

    public BatchingUsageSink(UsageRecordWriter writer, MeteringProperties properties, MeterRegistry registry) {
        this.writer = writer;
        this.properties = properties;
        this.metrics = new UsageSinkMetrics(registry, waiting::get);
    }

    @Override
    public void record(UsageRecord record) {
        Objects.requireNonNull(record, "record");
        if (closed) {
            metrics.unwritten(1);
            log.error("Usage record arrived after shutdown and cannot be written: {}", record);
            return;
        }
        queue.offer(new Item(record));
        int depth = waiting.incrementAndGet();
        if (depth >= properties.batchSize()) {
            requestDrain();
        }
        if (depth > properties.maxBacklog() && backlogReported.compareAndSet(false, true)) {
            log.warn("{} usage records are waiting to be written (max-backlog {}); is the database reachable?",
                    depth, properties.maxBacklog());
        }
    }

    /** Completes once every record recorded before this call is in the database. */
    public Mono<Void> flush() {
        return Mono.create(sink -> {
            enqueueMarker(sink::success);
            requestDrain();
        });
    }

    /** Records waiting to be written, not counting the batch being written. */
    public int backlog() {
        return waiting.get();
    }

    @Override
    public void start() {
        long window = properties.flushWindow().toMillis();
        windowTicks = loop.schedulePeriodically(this::windowEnded, window, window, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        Disposable ticks = windowTicks;
        if (ticks == null) {
            return;
        }
        ticks.dispose();
        windowTicks = null;
        flushBeforeClosing(properties.shutdownTimeout());
    }

    @Override
    public boolean isRunning() {
        return windowTicks != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** Last call: anything recorded after {@link #stop()} is written now; what cannot be is logged in full. */
    @Override
    public void destroy() {
        if (waiting.get() > 0 || inFlight != null) {
            flushBeforeClosing(properties.shutdownTimeout());
        }
        closed = true;
        Disposable write = inFlightWrite;
        if (write != null) {
            write.dispose();
        }
        List<UsageRecord> left = new ArrayList<>();
        Batch batch = inFlight;
        if (batch != null) {
            left.addAll(batch.records());
        }
        for (Entry e; (e = queue.poll()) != null; ) {
            if (e instanceof Item(UsageRecord r)) {
                left.add(r);
            }
        }
        for (UsageRecord r : left) {
            log.error("Usage record not written before shutdown: {}", r);
        }
        metrics.unwritten(left.size());
        loop.dispose();
    }

    private void flushBeforeClosing(Duration timeout) {
        try {
            flush().block(timeout);
        } catch (IllegalStateException e) {
            log.error("Gave up waiting {} for {} usage records to be written", timeout,
                    waiting.get() + (inFlight == null ? 0 : inFlight.records().size()));
        }
    }

    private void enqueueMarker(Runnable written) {
        queue.offer(new Marker(written));
        markers.incrementAndGet();
    }

    private void requestDrain() {
        if (!closed && drainScheduled.compareAndSet(false, true)) {
            loop.schedule(this::drain);
        }
    }

    /** On the loop thread: at the end of each window, everything queued so far becomes due. */
    private void windowEnded() {
        if (waiting.get() > 0 && windowMarkerQueued.compareAndSet(false, true)) {
            enqueueMarker(() -> windowMarkerQueued.set(false));
        }
        drain();
    }

    /** On the loop thread: starts the next due batch unless one is being written. */
    private void drain() {
        drainScheduled.set(false);
        while (inFlight == null && (markers.get() > 0 || waiting.get() >= properties.batchSize())) {
            Batch batch = take();
            if (batch.records().isEmpty()) {
                if (batch.markers().isEmpty()) {
                    return;
                }
                batch.markers().forEach(m -> m.written().run());
            } else {
                write(batch);
            }
        }
    }

    private Batch take() {
        List<UsageRecord> records = new ArrayList<>(Math.min(properties.batchSize(), Math.max(waiting.get(), 1)));
        List<Marker> reached = new ArrayList<>(1);
        while (records.size() < properties.batchSize()) {
            Entry entry = queue.poll();
            if (entry == null) {
                break;
            }
            if (entry instanceof Item(UsageRecord r)) {
                records.add(r);
                waiting.decrementAndGet();
            } else if (entry instanceof Marker m) {
                markers.decrementAndGet();
                reached.add(m);
                break;
            }
        }
        return new Batch(records, reached);
    }

    private void write(Batch batch) {
        inFlight = batch;
        Timer.Sample sample = metrics.batchStarted();
        inFlightWrite = Mono.defer(() -> writer.write(batch.records()))
                .timeout(ATTEMPT_TIMEOUT)
                .doOnError(e -> {
                    metrics.attemptFailed();
                    log.warn("Writing {} usage records failed, retrying: {}", batch.records().size(), e.toString());
                })
                .retryWhen(Retry.backoff(Long.MAX_VALUE, properties.retryMinBackoff())
                        .maxBackoff(properties.retryMaxBackoff()))
                .subscribe(outcome -> loop.schedule(() -> written(batch, outcome, sample)),
                        e -> {
                            // Retries never run out, so this is a bug; keep the batch and start over.
                            log.error("Writing usage records stopped unexpectedly; trying again", e);
                            loop.schedule(() -> write(batch), properties.retryMaxBackoff().toMillis(),
                                    TimeUnit.MILLISECONDS);
                        });
    }

    /** On the loop thread. */
    private void written(Batch batch, UsageRecordWriter.Outcome outcome, Timer.Sample sample) {
        metrics.batchWritten(sample, outcome);
        inFlight = null;
        inFlightWrite = null;
        batch.markers().forEach(m -> m.written().run());
        if (waiting.get() <= properties.maxBacklog() && backlogReported.compareAndSet(true, false)) {
            log.info("Usage backlog is back to {} records", waiting.get());
        }
        drain();
    }
}
