package dev.streamgate.gateway.error;

import java.time.Duration;
import java.util.Map;

/**
 * Every error the gateway reports to a caller. Created through the factories below and turned into OpenAI's
 * {@code {"error":{"message","type","param","code"}}} JSON with the matching HTTP status by
 * {@link GatewayErrorHandler}, the only place that does so.
 */
public abstract sealed class GatewayException extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final Map<String, String> headers;

    private GatewayException(int status, String type, String code, String param, String message,
                             Map<String, String> headers, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    /** Extra response headers, e.g. {@code Retry-After} and {@code x-ratelimit-*} on a 429. */
    public Map<String, String> headers() {
        return headers;
    }

    public static GatewayException invalidRequest(String param, String code, String message) {
        return new InvalidRequest(400, param, code, message);
    }

    public static GatewayException unauthenticated(String code, String message) {
        return new Unauthenticated(code, message);
    }

    public static GatewayException forbidden(String code, String message) {
        return new Forbidden(code, message);
    }

    public static GatewayException notFound(String param, String code, String message) {
        return new InvalidRequest(404, param, code, message);
    }

    public static GatewayException conflict(String param, String code, String message) {
        return new InvalidRequest(409, param, code, message);
    }

    /** 413 (RFC 9110 §15.5.14): the request body is larger than the server accepts. */
    public static GatewayException contentTooLarge(String code, String message) {
        return new InvalidRequest(413, null, code, message);
    }

    /**
     * 405 (RFC 9110 §15.5.6): the path exists but not for this method; the response must list the methods it does
     * take in {@code Allow}.
     */
    public static GatewayException methodNotAllowed(String allow, String message) {
        return new InvalidRequest(405, null, "method_not_allowed", message, Map.of("Allow", allow));
    }

    /** 414 (RFC 9110 §15.5.15): the request line (its URL) is longer than the server accepts. */
    public static GatewayException uriTooLong(String message) {
        return new InvalidRequest(414, null, "uri_too_long", message);
    }

    /** 431 (RFC 6585 §5): the request's header section, or one header, is larger than the server accepts. */
    public static GatewayException headerFieldsTooLarge(String message) {
        return new InvalidRequest(431, null, "request_header_fields_too_large", message);
    }

    public static GatewayException rateLimited(String code, String message, Duration retryAfter,
                                               Map<String, String> rateLimitHeaders) {
        var headers = new java.util.LinkedHashMap<>(rateLimitHeaders);
        headers.put("Retry-After", retryAfterSeconds(retryAfter));
        return new RateLimited(code, message, headers);
    }

    public static GatewayException upstream(int status, String code, String message, Throwable cause) {
        return new Upstream(status, code, message, cause);
    }

    /**
     * A request an upstream refused as the caller sent it, passed on with the upstream's status (a 4xx) and error
     * fields; a missing type reads as {@code invalid_request_error}.
     */
    public static GatewayException rejected(int status, String type, String code, String param, String message,
                                            Throwable cause) {
        return new Rejected(status, type == null ? "invalid_request_error" : type, code, param, message, cause);
    }

    public static GatewayException unavailable(String code, String message) {
        return new Unavailable(code, message, Map.of());
    }

    /** A 503 that says when a retry can succeed, as clients and SDKs honour {@code Retry-After} on a 503 too. */
    public static GatewayException unavailable(String code, String message, Duration retryAfter) {
        return new Unavailable(code, message, Map.of("Retry-After", retryAfterSeconds(retryAfter)));
    }

    // Retry-After takes whole seconds: rounded up, and at least 1 so that a client never retries at once.
    private static String retryAfterSeconds(Duration retryAfter) {
        return Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000));
    }

    public static GatewayException internal(String message, Throwable cause) {
        return new Internal(message, cause);
    }

    /** 400, 404, 405, 409, 413, 414 or 431: the caller must change the request. */
    public static final class InvalidRequest extends GatewayException {
        private InvalidRequest(int status, String param, String code, String message) {
            this(status, param, code, message, Map.of());
        }

        private InvalidRequest(int status, String param, String code, String message, Map<String, String> headers) {
            super(status, "invalid_request_error", code, param, message, headers, null);
        }
    }

    /** 401: missing, malformed, expired or revoked credentials. */
    public static final class Unauthenticated extends GatewayException {
        private Unauthenticated(String code, String message) {
            super(401, "authentication_error", code, null, message, Map.of("WWW-Authenticate", "Bearer"), null);
        }
    }

    /** 403: valid credentials, but not for this model, scope or route. */
    public static final class Forbidden extends GatewayException {
        private Forbidden(String code, String message) {
            super(403, "permission_error", code, null, message, Map.of(), null);
        }
    }

    /** 429: a request, token or concurrency limit, or a budget, is exhausted. */
    public static final class RateLimited extends GatewayException {
        private RateLimited(String code, String message, Map<String, String> headers) {
            super(429, "rate_limit_error", code, null, message, headers, null);
        }
    }

    /** 502/503/504: every deployment behind the model failed before the response started. */
    public static final class Upstream extends GatewayException {
        private Upstream(int status, String code, String message, Throwable cause) {
            super(status, "upstream_error", code, null, message, Map.of(), cause);
        }
    }

    /** 4xx from an upstream: the caller's request is at fault, as the upstream said. */
    public static final class Rejected extends GatewayException {
        private Rejected(int status, String type, String code, String param, String message, Throwable cause) {
            super(status, type, code, param, message, Map.of(), cause);
        }
    }

    /** 503: a dependency the gateway needs (database, routing) is not available. */
    public static final class Unavailable extends GatewayException {
        private Unavailable(String code, String message, Map<String, String> headers) {
            super(503, "server_error", code, null, message, headers, null);
        }
    }

    /** 500: a bug; the message shown to the caller is generic, the cause is logged. */
    public static final class Internal extends GatewayException {
        private Internal(String message, Throwable cause) {
            super(500, "server_error", "internal_error", null, message, Map.of(), cause);
        }
    }
}
