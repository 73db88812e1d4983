package dev.streamgate.streaming.sse;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/** Keeps a quiet stream visibly alive: proxies and clients drop connections that say nothing for too long. */
public final class Heartbeats {
    private static final int PREFETCH = 8;
    private Heartbeats() {
    }

    /**
     * Passes {@code source} through and inserts {@code heartbeat.get()} whenever the source has been silent for
     * {@code interval}, again after every further {@code interval} of silence. Completes or fails with the source;
     * cancelling the result cancels the source.
     *
     * <p>Source elements are never dropped or reordered and are requested as the subscriber consumes them. A
     * heartbeat is only worth sending while the subscriber keeps up, so while it is not requesting, at most one
     * heartbeat waits and the rest are dropped.
     */
    public static <T> Flux<T> withHeartbeats(Flux<T> source, Duration interval, Supplier<T> heartbeat,
                                             Scheduler scheduler) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive");
        }
        long intervalNanos = interval.toNanos();
        // A small prefetch: the default sizes the shared queue for 256 elements, allocated for every stream.
        return source.publish(shared -> {
            // One timer per stream, not one per element: an element only records when it passed (the hot path is
            // a clock read and a store); the timer sleeps until the silence could be complete, and on waking either
            // sends a heartbeat or, if something passed meanwhile, sleeps again until the new deadline. The
            // subscription itself counts as activity.
            AtomicLong lastActivity = new AtomicLong(scheduler.now(TimeUnit.NANOSECONDS));
            Flux<T> elements = shared.doOnNext(element -> lastActivity.set(scheduler.now(TimeUnit.NANOSECONDS)));
            Flux<T> beats = Mono.defer(() -> Mono.delay(Duration.ofNanos(Math.max(0,
                            lastActivity.get() + intervalNanos - scheduler.now(TimeUnit.NANOSECONDS))), scheduler))
                    .<T>handle((tick, sink) -> {
                        long now = scheduler.now(TimeUnit.NANOSECONDS);
                        if (now - lastActivity.get() >= intervalNanos) {
                            lastActivity.set(now);  // a heartbeat starts the next interval of silence
                            sink.next(heartbeat.get());
                        }
                    })
                    .repeat()
                    .onBackpressureDrop()
                    // The timer branch ends with the source, and completes rather than fails on its error: the
                    // element branch delivers the error, and a second copy would only be dropped (and logged).
                    .takeUntilOther(shared.ignoreElements().onErrorComplete());
            return Flux.merge(1, elements, beats);
        }, PREFETCH);
    }
}
