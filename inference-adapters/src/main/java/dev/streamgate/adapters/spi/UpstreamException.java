package dev.streamgate.adapters.spi;

import java.time.Duration;

/**
 * A backend failure. {@link #retryable()} says whether another attempt (same or next deployment) may succeed:
 * connect errors, timeouts before the first token, 429, 5xx and a deployment's own 4xx (its credentials, its
 * model name) are; a {@link #rejectedRequest() rejected request} is the caller's fault and is not.
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
    private final UpstreamError error;

    public UpstreamException(Kind kind, String deploymentId, int status, Duration retryAfter, String message,
                             Throwable cause) {
        this(kind, deploymentId, status, retryAfter, message, null, cause);
    }

    /** @param error the upstream's own error object, where it answered with one; null otherwise */
    public UpstreamException(Kind kind, String deploymentId, int status, Duration retryAfter, String message,
                             UpstreamError error, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.deploymentId = deploymentId;
        this.status = status;
        this.retryAfter = retryAfter;
        this.error = error;
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

    /** The upstream's error object, or null when it gave none (or there was no response). */
    public UpstreamError error() {
        return error;
    }

    /**
     * Whether the upstream rejected the request itself, so that the caller must change it: a 4xx, except those
     * that say the deployment rather than the request is at fault (401, 403 and 407: its credentials; 404: its
     * model name or URL; 408: the upstream's own timeout) and 429 (busy). Such a rejection is passed to the caller
     * as it is, neither retried nor held against the deployment, since the upstream has shown that it is up.
     */
    public boolean rejectedRequest() {
        return kind == Kind.HTTP_STATUS && status >= 400 && status < 500
                && status != 401 && status != 403 && status != 404 && status != 407 && status != 408 && status != 429;
    }

    /**
     * Whether this failure is the upstream's fault and counts toward its circuit breaker: no connection, a
     * timeout, a broken protocol, an exhausted pool, a 5xx, a deployment the upstream does not accept (401, 403,
     * 404...). A rejected request is the caller's fault, and a 429 says the upstream is up but busy: retrying
     * elsewhere is fine, opening the circuit for every tenant is not, since one tenant's bad or bursty requests
     * would then lock all tenants out of the model.
     */
    public boolean upstreamFault() {
        return switch (kind) {
            case CONNECT, TIMEOUT, PROTOCOL, POOL_EXHAUSTED -> true;
            case HTTP_STATUS -> !rejectedRequest() && status != 429;
            case CIRCUIT_OPEN -> false;
        };
    }

    public boolean retryable() {
        return switch (kind) {
            case CONNECT, TIMEOUT, CIRCUIT_OPEN, POOL_EXHAUSTED -> true;
            case HTTP_STATUS -> !rejectedRequest();
            case PROTOCOL -> false;
        };
    }
}
