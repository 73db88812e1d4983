package dev.streamgate.adapters;

import java.util.List;
import java.util.Optional;

import dev.streamgate.adapters.internal.RouteTracker;
import dev.streamgate.config.DeploymentConfig;
import dev.streamgate.streaming.StreamEvent;
import reactor.core.publisher.Flux;

/**
 * One request routed by {@link DeploymentRouter}: its events, and which deployment served them, which the gateway
 * needs for metering and pricing. Retries and fallbacks happen inside {@link #events()}; {@link #deployment()}
 * follows them and is final once the first event has been emitted.
 *
 * <pre>{@code
 * RoutedStream routed = router.route(request);
 * routed.batches()
 *       .doFinally(signal -> meter(routed.deployment().map(DeploymentConfig::price), ...))
 * }</pre>
 *
 * <p>{@link #events()} is cold and meant to be subscribed once: a second subscription routes the request again
 * and overwrites what this object reports.
 */
public final class RoutedStream {
    /** Events ahead of the subscriber when they are flattened: a response's batches are a handful of events. */
    private static final int FLATTEN_PREFETCH = 4;

    private final Flux<List<StreamEvent>> batches;
    private final RouteTracker tracker;

    RoutedStream(Flux<List<StreamEvent>> batches, RouteTracker tracker) {
        this.batches = batches;
        this.tracker = tracker;
    }

    /**
     * The events: deltas, at most one usage report, then a finish or a stream error. Fails with an
     * {@link dev.streamgate.adapters.spi.UpstreamException} (the last deployment's failure) only before the first
     * event, when every deployment failed, was unavailable, or the request was refused with a 4xx; with
     * {@link UnknownModelException} if the model was removed between {@link DeploymentRouter#route} and
     * subscription.
     */
    public Flux<StreamEvent> events() {
        return batches.concatMapIterable(batch -> batch, FLATTEN_PREFETCH);
    }

    /**
     * The same events in the groups in which the serving adapter received them (see
     * {@link dev.streamgate.adapters.spi.InferenceAdapter#batches}): no list is empty. The gateway's pipeline
     * takes a group at a time, so the events of one network read cost one pass and one write to the client.
     */
    public Flux<List<StreamEvent>> batches() {
        return batches;
    }

    /**
     * The deployment that served the request: the one whose first event was emitted; until then the one being
     * tried or, if all failed, the last one tried. Empty before the first attempt, or when no deployment could be
     * tried at all (every circuit open).
     */
    public Optional<DeploymentConfig> deployment() {
        return Optional.ofNullable(tracker.deployment());
    }

    /** Whether an event has been emitted, which fixes {@link #deployment()} and ends retrying. */
    public boolean started() {
        return tracker.served();
    }

    /** Attempts made so far, over all deployments (1 when the first one served). */
    public int attempts() {
        return tracker.attempts();
    }
}
