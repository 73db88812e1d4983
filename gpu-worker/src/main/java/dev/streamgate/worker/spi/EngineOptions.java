package dev.streamgate.worker.spi;

/**
 * What the runtime asks of an engine it opens.
 *
 * @param kvBlocks         blocks in the KV pool; 0 lets the engine size the pool itself
 * @param maxNumSeqs       the most sequences one step will carry
 * @param maxBatchedTokens the most tokens one step will carry (buffers can be sized from it)
 */
public record EngineOptions(int kvBlocks, int maxNumSeqs, int maxBatchedTokens) {
    public EngineOptions {
        if (kvBlocks < 0 || maxNumSeqs < 1 || maxBatchedTokens < 1) {
            throw new IllegalArgumentException("invalid engine options " + kvBlocks + "/" + maxNumSeqs + "/"
                    + maxBatchedTokens);
        }
    }
}
