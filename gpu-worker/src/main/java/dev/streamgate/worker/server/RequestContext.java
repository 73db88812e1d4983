package dev.streamgate.worker.server;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * Who a request is, for the log lines about it and for the caller: its request id (the caller's
 * {@code X-Request-Id}, as the gateway sends it, or a new one) and its W3C trace context (W3C Trace Context,
 * section 3.2 {@code traceparent}): an incoming valid {@code traceparent} keeps its trace id and flags, and this
 * worker's span gets a new span id; an absent or malformed one starts a new trace, as section 4.3 requires.
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
        String spanId = nonZeroHex(random);
        String traceparent = headers.get(TRACEPARENT_HEADER);
        if (isValidTraceparent(traceparent)) {
            return new RequestContext(requestId, traceparent.substring(3, 35), spanId, traceparent.substring(53, 55));
        }
        return new RequestContext(requestId, nonZeroHex(random) + nonZeroHex(random), spanId, "01");
    }

    /** The {@code traceparent} naming this worker's span, for the response and for calls this request makes. */
    String traceparent() {
        return "00-" + traceId + "-" + spanId + "-" + flags;
    }

    /**
     * Version {@code 00}'s layout, {@code 00-<32 hex>-<16 hex>-<2 hex>}, lowercase, neither id all zero. A
     * higher version is read by its version-00 prefix (section 4.3: "parse the first 55 characters"); version
     * {@code ff} is invalid.
     */
    static boolean isValidTraceparent(String value) {
        if (value == null || value.length() < 55) {
            return false;
        }
        String version = value.substring(0, 2);
        if (!isLowerHex(version, 0, 2) || version.equals("ff") || (version.equals("00") && value.length() != 55)) {
            return false;
        }
        if (value.length() > 55 && value.charAt(55) != '-') {
            return false;
        }
        return value.charAt(2) == '-' && value.charAt(35) == '-' && value.charAt(52) == '-'
                && isLowerHex(value, 3, 35) && !isZero(value, 3, 35)
                && isLowerHex(value, 36, 52) && !isZero(value, 36, 52)
                && isLowerHex(value, 53, 55);
    }

    private static boolean isPrintableId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_REQUEST_ID_LENGTH) {
            return false;
        }
        return id.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    private static boolean isLowerHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZero(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    private static String nonZeroHex(RandomGenerator random) {
        long value;
        do {
            value = random.nextLong();
        } while (value == 0);
        return HEX.toHexDigits(value);
    }
}
