package dev.streamgate.worker.scheduler;

/**
 * One sampled token of a sequence, emitted in the step that produced it.
 *
 * @param text        the text this token completes, after UTF-8 hold-back and stop-string hold-back: often the
 *                    token's own text, sometimes empty, sometimes more (held text released)
 * @param logprob     the sampled token's log-probability, NaN unless logprobs were asked for
 * @param topTokens   the most likely alternatives, best first (empty unless asked for)
 * @param topLogprobs their log-probabilities
 */
public record TokenEvent(int token, String text, float logprob, int[] topTokens, float[] topLogprobs) {
}
