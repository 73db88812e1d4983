package dev.streamgate.gateway.observability;

import java.util.random.RandomGenerator;

import dev.streamgate.streaming.TraceParent;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.RequestReplyReceiverContext;
import reactor.netty.http.server.HttpServerRequest;

/**
 * The server observation of one request that a direct route serves on Reactor Netty, without Spring's web layer:
 * the same {@code http.server.requests} timer and server span as Spring opens for the other routes (see
 * {@link DirectServerConvention}), continuing an incoming W3C {@code traceparent}, and the request's trace fixed
 * once from it, as {@link TraceContextFilter} does for Spring's routes.
 */
public final class DirectServerObservation {
    private final Observation observation;
    private final Context context;
    private final TraceParent trace;

    private DirectServerObservation(Observation observation, Context context, TraceParent trace) {
        this.observation = observation;
        this.context = context;
        this.trace = trace;
    }

    /**
     * Opens the observation of a request.
     *
     * @param uri the route's path, the {@code uri} tag
     */
    public static DirectServerObservation start(HttpServerRequest request, String uri, ObservationRegistry registry,
                                                RandomGenerator random) {
        Context context = new Context(request.method().name(), uri, request.fullPath());
        context.setCarrier(request);
        Observation observation = Observation.createNotStarted(null, DirectServerConvention.INSTANCE,
                () -> context, registry).start();
        String incoming = request.requestHeaders().get(TraceContextFilter.HEADER);
        return new DirectServerObservation(observation, context,
                TraceContextFilter.traceOf(observation.isNoop() ? null : context, incoming, random));
    }

    public TraceParent trace() {
        return trace;
    }

    /**
     * Closes the observation once the response is complete or abandoned.
     *
     * @param status  the status sent, or 0 when none was
     * @param error   what failed the request, or null
     * @param aborted the client went away before the response was complete
     */
    public void stop(int status, Throwable error, boolean aborted) {
        context.status = status;
        context.aborted = aborted;
        if (error != null) {
            observation.error(error);
        }
        observation.stop();
    }

    /** The request as the observation handlers see it: the carrier to read {@code traceparent} from, the outcome. */
    static final class Context extends RequestReplyReceiverContext<HttpServerRequest, Integer> {
        final String method;
        final String uri;
        final String path;
        int status;
        boolean aborted;

        Context(String method, String uri, String path) {
            super((carrier, key) -> carrier.requestHeaders().get(key));
            this.method = method;
            this.uri = uri;
            this.path = path;
        }
    }
}
