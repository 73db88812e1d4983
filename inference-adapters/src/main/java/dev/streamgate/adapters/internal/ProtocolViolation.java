package dev.streamgate.adapters.internal;

/** An upstream that does not speak the protocol it was configured with: malformed SSE, JSON or event order. */
public final class ProtocolViolation extends RuntimeException {
    public ProtocolViolation(String message) {
        super(message);
    }

    public ProtocolViolation(String message, Throwable cause) {
        super(message, cause);
    }
}
