package dev.streamgate.adapters.spi;

import dev.streamgate.streaming.TraceParent;
import org.slf4j.MDC;

/**
 * Puts a request's trace into the logging MDC for the lines logged inside one block, and restores what was
 * there before. Requests are not bound to threads (an event loop interleaves thousands), so the trace is set
 * where a line about a request is logged rather than restored around every reactive operator, which cost more
 * CPU than anything else on the request path. The keys are the ones Spring Boot's log pattern prints.
 *
 * <pre>{@code try (var ignored = RequestLogContext.open(request.trace())) { log.info(...); }}</pre>
 */
public final class RequestLogContext implements AutoCloseable {
    public static final String TRACE_ID = "traceId";
    public static final String SPAN_ID = "spanId";
    private static final RequestLogContext NONE = new RequestLogContext(null, null, false);

    private final String previousTraceId;
    private final String previousSpanId;
    private final boolean set;

    private RequestLogContext(String previousTraceId, String previousSpanId, boolean set) {
        this.previousTraceId = previousTraceId;
        this.previousSpanId = previousSpanId;
        this.set = set;
    }

    /** Sets the trace for the current thread until {@link #close()}; does nothing for a null trace. */
    public static RequestLogContext open(TraceParent trace) {
        if (trace == null) {
            return NONE;
        }
        var context = new RequestLogContext(MDC.get(TRACE_ID), MDC.get(SPAN_ID), true);
        MDC.put(TRACE_ID, trace.traceId());
        MDC.put(SPAN_ID, trace.spanId());
        return context;
    }

    @Override
    public void close() {
        if (!set) {
            return;
        }
        restore(TRACE_ID, previousTraceId);
        restore(SPAN_ID, previousSpanId);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
