package dev.streamgate.streaming.sse;

/** An upstream event grew past the parser's limit: a runaway or hostile stream, not something to buffer. */
public final class SseEventTooLargeException extends RuntimeException {
    private final int limitBytes;

    public SseEventTooLargeException(int limitBytes) {
        super("server-sent event larger than " + limitBytes + " bytes");
        this.limitBytes = limitBytes;
    }

    public int limitBytes() {
        return limitBytes;
    }
}
