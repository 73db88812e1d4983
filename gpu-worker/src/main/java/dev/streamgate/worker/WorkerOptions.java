package dev.streamgate.worker;

import java.time.Duration;

import dev.streamgate.worker.engine.EngineOptions;

/**
 * How a worker runtime serves its model.
 *
 * @param servedModelName  the {@code model} requests must name; null means the model folder's name
 * @param engine           how the engine runs the model: threads, backend and the KV pool (block count, or bytes)
 * @param maxNumSeqs       sequences running at once
 * @param maxBatchedTokens tokens per engine step (decodes plus prefill chunks)
 * @param warmupTimeout    how long the warm-up generation may take before start fails
 */
public record WorkerOptions(String servedModelName, EngineOptions engine, int maxNumSeqs, int maxBatchedTokens,
                            Duration warmupTimeout) {

    public static final WorkerOptions DEFAULTS = new WorkerOptions(null, EngineOptions.defaults(), 64, 2048,
            Duration.ofMinutes(2));

    public WorkerOptions {
        if (engine == null) {
            throw new IllegalArgumentException("engine options are required");
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
        return new WorkerOptions(name, engine, maxNumSeqs, maxBatchedTokens, warmupTimeout);
    }

    public WorkerOptions withEngine(EngineOptions options) {
        return new WorkerOptions(servedModelName, options, maxNumSeqs, maxBatchedTokens, warmupTimeout);
    }

    /** A KV pool of exactly this many blocks (0: sized by {@link EngineOptions#kvCacheBytes()}). */
    public WorkerOptions withKvBlocks(int blocks) {
        return withEngine(engine.withKvBlocks(blocks));
    }

    public WorkerOptions withMaxNumSeqs(int seqs) {
        return new WorkerOptions(servedModelName, engine, seqs, maxBatchedTokens, warmupTimeout);
    }

    public WorkerOptions withMaxBatchedTokens(int tokens) {
        return new WorkerOptions(servedModelName, engine, maxNumSeqs, tokens, warmupTimeout);
    }
}
