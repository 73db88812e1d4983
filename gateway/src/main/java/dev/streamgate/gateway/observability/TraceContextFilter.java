package dev.streamgate.gateway.observability;

import java.util.random.RandomGenerator;

import dev.streamgate.streaming.TraceParent;
import io.micrometer.observation.Observation;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.TracingObservationHandler;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Fixes each request's trace once, at the edge: the span of the server observation that Spring opened for the
 * exchange (which already continued an incoming W3C {@code traceparent}), as a {@link TraceParent} in the exchange
 * attributes under {@link #ATTRIBUTE}, and as the {@code traceparent} response header, so a client can quote the
 * trace of any answer, errors included. Everything after reads the trace from there: the chat handler sends it
 * upstream and log lines put it into the MDC where they are written (see
 * {@link dev.streamgate.adapters.spi.RequestLogContext}).
 *
 * <p>Without a tracing span (tracing switched off) the incoming {@code traceparent} is continued as is, or a new
 * trace id is drawn, so that log lines and upstreams still correlate; such a trace is never marked sampled.
 */
public final class TraceContextFilter implements WebFilter, Ordered {
    public static final String ATTRIBUTE = TraceParent.class.getName();
    public static final String HEADER = "traceparent";
    /** First of the gateway's filters: authentication refusals carry a trace too. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;

    private final RandomGenerator random;

    public TraceContextFilter(RandomGenerator random) {
        this.random = random;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        TraceParent trace = traceOf(exchange);
        exchange.getAttributes().put(ATTRIBUTE, trace);
        exchange.getResponse().getHeaders().set(HEADER, trace.header());
        return chain.filter(exchange);
    }

    /** The trace fixed for this exchange, or null before this filter ran. */
    public static TraceParent of(ServerWebExchange exchange) {
        return exchange.getAttribute(ATTRIBUTE);
    }

    private TraceParent traceOf(ServerWebExchange exchange) {
        return traceOf(ServerRequestObservationContext.findCurrent(exchange.getAttributes()).orElse(null),
                exchange.getRequest().getHeaders().getFirst(HEADER), random);
    }

    /**
     * The trace of a request: the span that its server observation opened, or, without one (tracing off), the
     * incoming {@code traceparent} continued or a new trace, never marked sampled since nothing records it.
     *
     * @param observation the request's server observation context, or null
     * @param incoming    the request's {@code traceparent} header, or null
     */
    static TraceParent traceOf(Observation.Context observation, String incoming, RandomGenerator random) {
        TracingObservationHandler.TracingContext tracing = observation == null ? null
                : observation.get(TracingObservationHandler.TracingContext.class);
        TraceContext span = tracing == null || tracing.getSpan() == null ? null : tracing.getSpan().context();
        if (span != null && span.traceId() != null && span.spanId() != null) {
            return new TraceParent(span.traceId(), span.spanId(), Boolean.TRUE.equals(span.sampled()));
        }
        TraceParent trace = TraceParent.parse(incoming)
                .map(parent -> parent.newSpan(random))
                .orElseGet(() -> TraceParent.newTrace(random, false));
        return trace.sampled() ? new TraceParent(trace.traceId(), trace.spanId(), false) : trace;
    }
}
