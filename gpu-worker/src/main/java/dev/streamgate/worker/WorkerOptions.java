package dev.streamgate.worker;

import java.time.Duration;

/**
 * How a worker runtime serves its model.
 *
 * @param servedModelName  the {@code model} requests must name; null means the model folder's name
 * @param kvBlocks         KV cache blocks; 0 lets the engine size its pool
 * @param maxNumSeqs       sequences running at once
 * @param maxBatchedTokens tokens per engine step (decodes plus prefill chunks)
 * @param warmupTimeout    how long the warm-up generation may take before start fails
 */
public record WorkerOptions(String servedModelName, int kvBlocks, int maxNumSeqs, int maxBatchedTokens,
                            Duration warmupTimeout) {

    public static final WorkerOptions DEFAULTS = new WorkerOptions(null, 0, 64, 2048, Duration.ofMinutes(2));

    public WorkerOptions {
        if (kvBlocks < 0) {
            throw new IllegalArgumentException("kvBlocks must not be negative");
        }
        if (maxNumSeqs < 1) {
            throw new IllegalArgumentException("maxNumSeqs must be at least 1");
        }
        if (maxBatchedTokens < maxNumSeqs) {
            throw new IllegalArgumentException("maxBatchedTokens must be at least maxNumSeqs");
        }
        if (warmupTimeout == null || warmupTimeout.isNegative() || warmupTimeout.isZero()) {
            throw new IllegalArgumentException("warmupTimeout must be positive");
        }
    }

    public WorkerOptions withServedModelName(String name) {
        return new WorkerOptions(name, kvBlocks, maxNumSeqs, maxBatchedTokens, warmupTimeout);
    }

    public WorkerOptions withKvBlocks(int blocks) {
        return new WorkerOptions(servedModelName, blocks, maxNumSeqs, maxBatchedTokens, warmupTimeout);
    }

    public WorkerOptions withMaxNumSeqs(int seqs) {
        return new WorkerOptions(servedModelName, kvBlocks, seqs, maxBatchedTokens, warmupTimeout);
    }

    public WorkerOptions withMaxBatchedTokens(int tokens) {
        return new WorkerOptions(servedModelName, kvBlocks, maxNumSeqs, tokens, warmupTimeout);
    }
}
