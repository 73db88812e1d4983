package dev.streamgate.adapters.internal;

/**
 * An error the upstream put into the stream itself (a {@code data: {"error": ...}} chunk or an {@code event: error})
 * after answering 200. {@code status} is the error's numeric code when it has one in the HTTP range, else 502.
 */
public final class UpstreamReportedError extends RuntimeException {
    private final int status;
    private final String code;

    public UpstreamReportedError(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
