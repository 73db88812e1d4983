package dev.streamgate.streaming;

/**
 * One event of an inference stream, as every adapter produces it and every writer (SSE, WebSocket) consumes it.
 * A well-formed stream is: any number of {@link TextDelta} / {@link ToolCallDelta}, then at most one
 * {@link UsageReport}, then exactly one {@link Finish} or {@link StreamError}.
 */
public sealed interface StreamEvent {

    /** A piece of the assistant's text. */
    record TextDelta(String text) implements StreamEvent {
        public TextDelta {
            if (text == null) {
                throw new IllegalArgumentException("text");
            }
        }
    }

    /**
     * A piece of a tool call: the first delta of a call carries {@code id} and {@code name}, later ones only
     * {@code argumentsDelta}; {@code index} says which call of the message it belongs to.
     */
    record ToolCallDelta(int index, String id, String name, String argumentsDelta) implements StreamEvent {
    }

    /** Token counts of the whole request. */
    record UsageReport(Usage usage) implements StreamEvent {
    }

    /** The normal end of the stream. */
    record Finish(FinishReason reason) implements StreamEvent {
    }

    /**
     * The abnormal end of the stream. {@code type} and {@code code} follow OpenAI's error object
     * ({@code server_error}, {@code upstream_error}, {@code timeout}, ...); {@code status} is the HTTP status the
     * error would have had if it had happened before the response started.
     */
    record StreamError(int status, String type, String code, String message) implements StreamEvent {
    }
}
