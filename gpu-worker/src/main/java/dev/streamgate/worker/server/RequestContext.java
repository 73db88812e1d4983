package dev.streamgate.worker.server;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

import dev.streamgate.streaming.TraceParent;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Who a request is, for the log lines about it and for the caller: its request id (the caller's
 * {@code X-Request-Id}, as the gateway sends it, or a new one) and its W3C trace context (W3C Trace Context,
 * section 3.2 {@code traceparent}, read and written by {@link TraceParent}): an incoming valid {@code traceparent}
 * keeps its trace id and sampled flag, and this worker's span gets a new span id; an absent or malformed one starts
 * a new trace, as section 4.3 requires.
 *
 * @param traceId 32 lowercase hex digits, never all zero
 * @param spanId  16 lowercase hex digits, this worker's span, never all zero
 * @param flags   2 lowercase hex digits ({@code 01} = sampled)
 */
record RequestContext(String requestId, String traceId, String spanId, String flags) {
    static final String REQUEST_ID_HEADER = "X-Request-Id";
    static final String TRACEPARENT_HEADER = "traceparent";
    private static final int MAX_REQUEST_ID_LENGTH = 128;
    private static final HexFormat HEX = HexFormat.of();

    /** The context of an incoming request; {@code random} draws new ids and must be safe for concurrent use. */
    static RequestContext of(HttpHeaders headers, RandomGenerator random) {
        String requestId = headers.get(REQUEST_ID_HEADER);
        if (!isPrintableId(requestId)) {
            requestId = HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextLong());
        }
        TraceParent trace = TraceParent.parse(headers.get(TRACEPARENT_HEADER))
                .map(incoming -> incoming.newSpan(random))
                .orElseGet(() -> TraceParent.newTrace(random, true));
        return new RequestContext(requestId, trace.traceId(), trace.spanId(), trace.sampled() ? "01" : "00");
    }

    /** The {@code traceparent} naming this worker's span, for the response and for calls this request makes. */
    String traceparent() {
        return "00-" + traceId + "-" + spanId + "-" + flags;
    }

    private static boolean isPrintableId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_REQUEST_ID_LENGTH) {
            return false;
        }
        return id.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }
}
