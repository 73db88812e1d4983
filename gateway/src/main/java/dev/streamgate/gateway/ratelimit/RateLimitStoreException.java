package dev.streamgate.gateway.ratelimit;

/** A limit store did not answer in time or failed; the Redis failure policy decides what happens next. */
final class RateLimitStoreException extends RuntimeException {
    RateLimitStoreException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
