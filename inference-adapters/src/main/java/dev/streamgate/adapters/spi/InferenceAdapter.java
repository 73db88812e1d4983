package dev.streamgate.adapters.spi;

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

    /** Releases pooled connections. */
    @Override
    default void close() {
    }
}
