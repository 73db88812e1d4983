package dev.streamgate.streaming.sse;

import java.time.Duration;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/** Keeps a quiet stream visibly alive: proxies and clients drop connections that say nothing for too long. */
public final class Heartbeats {
    private static final Object ACTIVITY = new Object();

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
        return source.publish(shared -> {
            // Every element (and the subscription itself) restarts the silence timer. The timer branch ends with
            // the source, and completes rather than fails on its error: the element branch delivers the error,
            // and a second copy would only be dropped (and logged) by merge.
            Flux<T> beats = shared.map(element -> ACTIVITY)
                    .onErrorComplete()
                    .startWith(ACTIVITY)
                    .switchMap(activity -> Flux.interval(interval, interval, scheduler)
                            .onBackpressureDrop()
                            .map(tick -> heartbeat.get()))
                    .takeUntilOther(shared.ignoreElements().onErrorComplete());
            return Flux.merge(1, shared, beats);
        });
    }
}
