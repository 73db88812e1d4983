package dev.streamgate.streaming;

import java.util.HexFormat;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A W3C Trace Context {@code traceparent} (https://www.w3.org/TR/trace-context/#traceparent-header): the trace a
 * request belongs to and the span that made the call. The gateway sends it to every upstream, so that one trace
 * shows the gateway's and the worker's spans, and logs its trace id on every line about the request.
 *
 * @param traceId 32 lower-case hex digits, not all zero
 * @param spanId  16 lower-case hex digits, not all zero (the header's {@code parent-id})
 * @param sampled the {@code sampled} trace flag
 */
public record TraceParent(String traceId, String spanId, boolean sampled) {
    private static final int TRACE_ID_LENGTH = 32;
    private static final int SPAN_ID_LENGTH = 16;
    /** {@code 00-} + trace id + {@code -} + parent id + {@code -} + flags. */
    private static final int VERSION_00_LENGTH = 55;
    private static final HexFormat HEX = HexFormat.of();

    public TraceParent {
        if (!isId(traceId, TRACE_ID_LENGTH) || !isId(spanId, SPAN_ID_LENGTH)) {
            throw new IllegalArgumentException("not a W3C trace id and span id: " + traceId + ", " + spanId);
        }
    }

    /** A new trace and its first span, with ids drawn from {@code random} (never all zero). */
    public static TraceParent newTrace(RandomGenerator random, boolean sampled) {
        return new TraceParent(nonZeroHex(random) + nonZeroHex(random), nonZeroHex(random), sampled);
    }

    /** The same trace and sampling decision with a new span: the receiving side of a call continues it so. */
    public TraceParent newSpan(RandomGenerator random) {
        return new TraceParent(traceId, nonZeroHex(random), sampled);
    }

    /** The header's value, version {@code 00}. */
    public String header() {
        return "00-" + traceId + '-' + spanId + (sampled ? "-01" : "-00");
    }

    /**
     * Reads a {@code traceparent} header. Per the specification's processing model (§3.2.2/§4.3), an invalid value
     * is ignored (the receiver starts a new trace), so this returns empty rather than failing: version {@code ff},
     * a version-00 value of the wrong length, ids that are not lower-case hex or are all zeros. A higher version
     * is read for its first four fields, as the specification asks of a version-00 parser.
     */
    public static Optional<TraceParent> parse(String header) {
        if (header == null || header.length() < VERSION_00_LENGTH) {
            return Optional.empty();
        }
        String version = header.substring(0, 2);
        if (!isHex(version) || version.equals("ff")
                || (version.equals("00") && header.length() != VERSION_00_LENGTH)
                || (header.length() > VERSION_00_LENGTH && header.charAt(VERSION_00_LENGTH) != '-')
                || header.charAt(2) != '-' || header.charAt(35) != '-' || header.charAt(52) != '-') {
            return Optional.empty();
        }
        String traceId = header.substring(3, 35);
        String spanId = header.substring(36, 52);
        String flags = header.substring(53, 55);
        if (!isId(traceId, TRACE_ID_LENGTH) || !isId(spanId, SPAN_ID_LENGTH) || !isHex(flags)) {
            return Optional.empty();
        }
        return Optional.of(new TraceParent(traceId, spanId, (Integer.parseInt(flags, 16) & 1) == 1));
    }

    /** 16 hex digits of a non-zero long: one draw, so an id never comes out all zero. */
    private static String nonZeroHex(RandomGenerator random) {
        long value;
        do {
            value = random.nextLong();
        } while (value == 0);
        return HEX.toHexDigits(value);
    }

    private static boolean isId(String id, int length) {
        if (id == null || id.length() != length || !isHex(id)) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (id.charAt(i) != '0') {
                return true;
            }
        }
        return false;
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
