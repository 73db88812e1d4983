package dev.streamgate.streaming;

/**
 * Estimates completion tokens from the events a stream carried, for a request whose upstream reported no usage.
 * Bytes are summed across deltas and rounded once, so a stream of one-character deltas is not counted as one
 * token per delta. Not thread-safe: feed it from the stream's serial signal path.
 */
public final class CompletionTokenCounter {
    private long utf8Bytes;

    public void accept(StreamEvent event) {
        switch (event) {
            case StreamEvent.TextDelta delta -> utf8Bytes += TokenEstimator.utf8Length(delta.text());
            case StreamEvent.ToolCallDelta delta -> {
                if (delta.name() != null) {
                    utf8Bytes += TokenEstimator.utf8Length(delta.name());
                }
                if (delta.argumentsDelta() != null) {
                    utf8Bytes += TokenEstimator.utf8Length(delta.argumentsDelta());
                }
            }
            default -> {
            }
        }
    }

    public int completionTokens() {
        return TokenEstimator.tokens(utf8Bytes);
    }

    /** The usage to bill when the upstream reported none: flagged as estimated. */
    public Usage estimatedUsage(int promptTokens) {
        return new Usage(promptTokens, completionTokens(), true);
    }
}
