package dev.streamgate.adapters.spi;

import java.util.List;

import dev.streamgate.streaming.StreamEvent;
import reactor.core.publisher.Flux;

/**
 * One deployment's backend. {@link #stream} is cold: nothing is sent until subscription, and cancelling the
 * subscription cancels the upstream request (closes the connection or tells the worker), so that a client that
 * goes away stops spending tokens.
 *
 * <p>Failures before the first event are signalled as {@link UpstreamException} errors so that the router may
 * retry them; once events have flowed, an adapter ends the stream with a
 * {@link dev.streamgate.streaming.StreamEvent.StreamError} event or an error signal, never silently.
 */
public interface InferenceAdapter extends AutoCloseable {

    /** The deployment id this adapter serves. */
    String deploymentId();

    Flux<StreamEvent> stream(InferenceRequest request);

    /**
     * The events of {@link #stream}, in the groups in which they arrived: every list holds at least one event,
     * and the lists, flattened, are exactly what {@link #stream} emits, under the same rules. This is what the
     * router and the gateway consume. An adapter that receives several events at once (a network read that
     * completed several SSE messages) overrides it, so that each group passes the gateway's pipeline once and
     * reaches the client in one write; the default makes a group of each event.
     */
    default Flux<List<StreamEvent>> batches(InferenceRequest request) {
        return stream(request).map(List::of);
    }

    /** Releases pooled connections. */
    @Override
    default void close() {
    }
}
