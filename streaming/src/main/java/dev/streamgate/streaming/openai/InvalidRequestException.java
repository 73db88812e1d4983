package dev.streamgate.streaming.openai;

/**
 * A request the caller must fix: maps to HTTP 400 with OpenAI's {@code invalid_request_error}, naming the
 * offending {@code param} (e.g. {@code messages[1].role}).
 */
public final class InvalidRequestException extends RuntimeException {
    private final String param;
    private final String code;

    public InvalidRequestException(String param, String code, String message) {
        super(message, null, false, false);
        this.param = param;
        this.code = code;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
