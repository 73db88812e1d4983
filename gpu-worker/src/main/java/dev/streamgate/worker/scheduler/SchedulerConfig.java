package dev.streamgate.worker.scheduler;

/**
 * Limits of one step.
 *
 * @param maxNumSeqs       sequences that may be running (holding KV blocks) at once
 * @param maxBatchedTokens tokens one step may feed the engine, decode tokens and prefill chunks together; at least
 *                         {@code maxNumSeqs} so that every running sequence can decode in every step
 */
public record SchedulerConfig(int maxNumSeqs, int maxBatchedTokens) {
    public SchedulerConfig {
        if (maxNumSeqs < 1) {
            throw new IllegalArgumentException("maxNumSeqs must be at least 1, was " + maxNumSeqs);
        }
        if (maxBatchedTokens < maxNumSeqs) {
            throw new IllegalArgumentException("maxBatchedTokens (" + maxBatchedTokens
                    + ") must be at least maxNumSeqs (" + maxNumSeqs + ")");
        }
    }
}
