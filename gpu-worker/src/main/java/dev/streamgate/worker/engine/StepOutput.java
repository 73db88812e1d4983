package dev.streamgate.worker.engine;

/**
 * The token sampled for one sequence. {@code logprob}, {@code topTokens} and {@code topLogprobs} are filled when
 * the entry's sampling asked for logprobs (NaN and empty arrays otherwise).
 */
public record StepOutput(long sequenceId, int token, float logprob, int[] topTokens, float[] topLogprobs) {
}
