package dev.streamgate.bench.worker;

/**
 * One request's clock readings (nanoseconds of one {@link System#nanoTime()} origin) and token counts.
 *
 * @param firstToken when its first token arrived
 */
public record RequestTiming(int promptTokens, int outputTokens, long start, long firstToken, long end) {

    /** Decode speed: the tokens after the first, over the time after the first. */
    public double decodeTokensPerSecond() {
        return outputTokens <= 1 || end <= firstToken ? Double.NaN : (outputTokens - 1) / ((end - firstToken) / 1e9);
    }
}
