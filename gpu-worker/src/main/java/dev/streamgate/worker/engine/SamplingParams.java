package dev.streamgate.worker.engine;

/**
 * How to pick the next token. {@code temperature == 0} is greedy. {@code topK <= 0}, {@code topP >= 1},
 * {@code minP <= 0} and penalties of 1 (repetition) or 0 (presence, frequency) switch those filters off.
 * {@code seed} makes sampling reproducible: the engine derives each step's random draw from the seed and the
 * position, so a preempted and recomputed sequence draws the same tokens. {@code logprobs} asks for the
 * log-probability of the sampled token and that many top alternatives (0 = none).
 */
public record SamplingParams(float temperature, int topK, float topP, float minP, float repetitionPenalty,
                             float presencePenalty, float frequencyPenalty, long seed, int logprobs) {
    public static final SamplingParams GREEDY = new SamplingParams(0f, 0, 1f, 0f, 1f, 0f, 0f, 0L, 0);

    public boolean usesPenalties() {
        return repetitionPenalty != 1f || presencePenalty != 0f || frequencyPenalty != 0f;
    }
}
