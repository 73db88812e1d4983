package dev.streamgate.streaming.openai;

/**
 * An upstream response that does not follow OpenAI's format (not JSON, wrong types, a stream without a finish).
 * Adapters report it as a protocol error of the deployment.
 */
public final class MalformedResponseException extends RuntimeException {
    public MalformedResponseException(String message) {
        super(message);
    }

    public MalformedResponseException(String message, Throwable cause) {
        super(message, cause);
    }
}
