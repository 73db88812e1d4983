package dev.streamgate.adapters.spi;

import java.time.Duration;

/**
 * A backend failure. {@link #retryable()} says whether another attempt (same or next deployment) may succeed:
 * connect errors, timeouts before the first token, 429 and 5xx are; a 4xx is the caller's fault and is not.
 *
 * @param status     the upstream HTTP status, or 0 when there was no response
 * @param retryAfter the upstream's {@code Retry-After}, or null
 */
public final class UpstreamException extends RuntimeException {
    public enum Kind { CONNECT, TIMEOUT, HTTP_STATUS, PROTOCOL, CIRCUIT_OPEN, POOL_EXHAUSTED }

    private final Kind kind;
    private final String deploymentId;
    private final int status;
    private final Duration retryAfter;

    public UpstreamException(Kind kind, String deploymentId, int status, Duration retryAfter, String message,
                             Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.deploymentId = deploymentId;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    public String deploymentId() {
        return deploymentId;
    }

    public int status() {
        return status;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public boolean retryable() {
        return switch (kind) {
            case CONNECT, TIMEOUT, CIRCUIT_OPEN, POOL_EXHAUSTED -> true;
            case HTTP_STATUS -> status == 429 || status >= 500;
            case PROTOCOL -> false;
        };
    }
}
