package dev.streamgate.streaming;

/**
 * Token counts of one request. {@code estimated} is true when the upstream reported none and the gateway counted
 * or estimated them itself; billing keeps that flag.
 */
public record Usage(int promptTokens, int completionTokens, boolean estimated) {
    public Usage {
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
