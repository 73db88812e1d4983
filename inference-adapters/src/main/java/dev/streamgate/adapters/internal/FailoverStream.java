package dev.streamgate.adapters.internal;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.streamgate.adapters.spi.InferenceRequest;
import dev.streamgate.adapters.spi.RequestLogContext;
import dev.streamgate.adapters.spi.UpstreamException;
import dev.streamgate.streaming.StreamEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Scheduler;

/**
 * One request's way through a model's deployments. Before the first event has gone downstream, a retryable
 * failure is retried on the same deployment after a backoff (up to {@code maxAttempts} attempts each), then
 * the next candidate is tried; a non-retryable one (a 4xx: the request itself is at fault) ends the request.
 * Once an event has gone downstream nothing is retried, since the client has already seen part of an answer:
 * a failure then ends the stream with a {@link StreamEvent.StreamError}.
 *
 * <p>Every attempt is recorded on its deployment's circuit breaker exactly once: a failure before the first
 * event or a stream that ended in error counts against it; a stream that finished or that the client
 * cancelled after it started counts for it; a cancellation before the first event counts for nothing.
 */
public final class FailoverStream {
    private static final Logger log = LoggerFactory.getLogger(FailoverStream.class);

    private final InferenceRequest request;
    private final String model;
    private final CandidateOrder candidates;
    private final Backoff backoff;
    private final int maxAttempts;
    private final Scheduler scheduler;
    private final RouterMetrics metrics;
    private final RouteTracker tracker;

    public FailoverStream(InferenceRequest request, CandidateOrder candidates, Backoff backoff, int maxAttempts,
                          Scheduler scheduler, RouterMetrics metrics, RouteTracker tracker) {
        this.request = request;
        this.model = request.chat().model();
        this.candidates = candidates;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.tracker = tracker;
    }

    /** The events in the groups the serving adapter received them in (never an empty one). */
    public Flux<List<StreamEvent>> batches() {
        return nextDeployment(null);
    }

    private Flux<List<StreamEvent>> nextDeployment(UpstreamException previous) {
        return Flux.defer(() -> {
            RouteEntry next = candidates.next();
            if (next == null) {
                return Flux.error(previous != null ? previous : new UpstreamException(
                        UpstreamException.Kind.CIRCUIT_OPEN, null, 0, null,
                        "every deployment of model " + model + " is unavailable (circuit open)", null));
            }
            if (previous != null) {
                try (var ignored = RequestLogContext.open(request.trace())) {
                    log.info("request {}: falling back from {} to {} after: {}", request.requestId(),
                            previous.deploymentId(), next.config().id(), previous.getMessage());
                }
            }
            return attempt(next, 1);
        });
    }

    private Flux<List<StreamEvent>> attempt(RouteEntry entry, int attempt) {
        tracker.attempting(entry.config());
        Attempt outcome = new Attempt(entry);
        return Flux.defer(() -> entry.live().adapter().batches(request))
                .doOnNext(outcome::onBatch)
                .doFinally(outcome::settle)
                .onErrorResume(error -> {
                    UpstreamException failure = UpstreamFailures.classify(error, entry.config().id());
                    outcome.fail(failure);
                    if (outcome.started) {
                        return Flux.just(List.of(UpstreamFailures.toStreamError(failure)));
                    }
                    return retryOrFallBack(entry, attempt, failure);
                });
    }

    private Flux<List<StreamEvent>> retryOrFallBack(RouteEntry entry, int attempt, UpstreamException failure) {
        if (!failure.retryable()) {
            return Flux.error(failure);
        }
        if (attempt < maxAttempts) {
            metrics.retry(model, entry.config().id());
            return Mono.delay(backoff.delay(attempt, failure.retryAfter()), scheduler)
                    .thenMany(Flux.defer(() -> entry.live().tryAcquire()
                            ? attempt(entry, attempt + 1)
                            : fallBack(entry, failure)));
        }
        return fallBack(entry, failure);
    }

    private Flux<List<StreamEvent>> fallBack(RouteEntry from, UpstreamException failure) {
        metrics.fallback(model, from.config().id());
        return nextDeployment(failure);
    }

    /** One attempt on one deployment; settles its circuit breaker call and its lease exactly once. */
    private final class Attempt {
        private final RouteEntry entry;
        private final long startNanos = scheduler.now(TimeUnit.NANOSECONDS);
        private final AtomicBoolean settled = new AtomicBoolean();
        private volatile boolean started;
        private volatile long firstEventNanos;
        private volatile boolean endedInError;

        Attempt(RouteEntry entry) {
            this.entry = entry;
        }

        void onBatch(List<StreamEvent> batch) {
            if (batch.isEmpty()) {
                return;  // an adapter's empty group shows nothing to the client, so it does not start the stream
            }
            if (!started) {
                started = true;
                firstEventNanos = scheduler.now(TimeUnit.NANOSECONDS);
                tracker.served(entry.config());
            }
            for (StreamEvent event : batch) {
                if (event instanceof StreamEvent.StreamError) {
                    endedInError = true;
                    metrics.upstreamError(model, entry.config().id(), RouterMetrics.KIND_MID_STREAM);
                }
            }
        }

        void fail(UpstreamException failure) {
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            if (started) {
                metrics.upstreamError(model, entry.config().id(), RouterMetrics.KIND_MID_STREAM);
            } else {
                metrics.upstreamError(model, entry.config().id(), failure);
            }
            entry.live().breaker().onError(elapsedNanos(), TimeUnit.NANOSECONDS, failure);
            entry.live().release();
        }

        void settle(SignalType signal) {
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            var breaker = entry.live().breaker();
            if (signal == SignalType.CANCEL && !started) {
                breaker.releasePermission();
            } else if (endedInError || signal == SignalType.ON_ERROR) {
                breaker.onError(elapsedNanos(), TimeUnit.NANOSECONDS, new UpstreamException(
                        UpstreamException.Kind.PROTOCOL, entry.config().id(), 0, null, "stream ended in error",
                        null));
            } else {
                breaker.onSuccess(elapsedNanos(), TimeUnit.NANOSECONDS);
            }
            entry.live().release();
        }

        /** Calls are timed to their first event: a stream's length says nothing about the upstream's health. */
        private long elapsedNanos() {
            return (started ? firstEventNanos : scheduler.now(TimeUnit.NANOSECONDS)) - startNanos;
        }
    }
}
