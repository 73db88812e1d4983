package dev.streamgate.streaming.sse;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/** Keeps a quiet stream visibly alive: proxies and clients drop connections that say nothing for too long. */
public final class Heartbeats {
    /** Source elements requested ahead of the subscriber: a few chunks rather than one at a time. */
    private static final int PREFETCH = 32;

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
        return Flux.defer(() -> {
            // One timer per stream, not one per element: an element only records when it passed (the hot path is
            // a clock read and a store); the timer sleeps until the silence could be complete, and on waking either
            // sends a heartbeat or, if something passed meanwhile, sleeps again until the new deadline. The
            // subscription itself counts as activity. The source is not shared through publish(), whose queue
            // every element would pass: the timer branch only needs to know when the source has ended.
            AtomicLong lastActivity = new AtomicLong(scheduler.now(TimeUnit.NANOSECONDS));
            Sinks.Empty<Void> ended = Sinks.empty();
            Flux<T> elements = source
                    // requested ahead in batches, so the merge's one-at-a-time demand stops here instead of
                    // travelling up the whole chain for every element
                    .limitRate(PREFETCH)
                    .doOnNext(element -> lastActivity.set(scheduler.now(TimeUnit.NANOSECONDS)))
                    .doFinally(signal -> ended.tryEmitEmpty());
            Flux<T> beats = Mono.defer(() -> Mono.delay(Duration.ofNanos(Math.max(0,
                            lastActivity.get() + intervalNanos - scheduler.now(TimeUnit.NANOSECONDS))), scheduler))
                    .mapNotNull(tick -> {
                        long now = scheduler.now(TimeUnit.NANOSECONDS);
                        if (now - lastActivity.get() < intervalNanos) {
                            return null;
                        }
                        lastActivity.set(now);  // a heartbeat starts the next interval of silence
                        return heartbeat.get();
                    })
                    .repeat()
                    .onBackpressureDrop()
                    // The timer branch ends with the source, however the source ends: the element branch delivers
                    // an error itself.
                    .takeUntilOther(ended.asMono());
            // prefetch 1: a heartbeat waits in the merge only while the subscriber is not requesting, at most one
            return Flux.merge(1, elements, beats);
        });
    }
}
