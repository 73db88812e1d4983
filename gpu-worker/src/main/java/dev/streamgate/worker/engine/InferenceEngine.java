package dev.streamgate.worker.engine;

import java.util.List;

/**
 * A loaded model and its paged KV pool. The engine keeps no per-sequence state besides the K/V it writes into
 * the blocks the scheduler names: the scheduler owns block allocation, block tables and token histories, so a
 * preempted sequence is simply re-prefilled later.
 *
 * <p>Not thread-safe: one scheduler thread drives it.
 */
public interface InferenceEngine extends AutoCloseable {

    ModelInfo info();

    /**
     * Runs one forward pass over a flat batch of prefill chunks and decode tokens and samples the next token of
     * every entry with {@link BatchEntry#sample()} set. Outputs come back in batch order, one per sampling entry.
     */
    List<StepOutput> step(List<BatchEntry> batch);

    @Override
    void close();
}
