package dev.streamgate.worker.engine;

/**
 * What the scheduler needs to know of a loaded model and its KV pool.
 *
 * @param kvBlockSize tokens per KV block
 * @param kvBlocks    blocks in the pool; valid block ids are {@code 0 .. kvBlocks-1}
 * @param backend     e.g. {@code cpu-avx2}, {@code cpu-scalar}, {@code cuda-sm90}
 */
public record ModelInfo(String architecture, int vocabSize, int contextLength, int kvBlockSize, int kvBlocks,
                        String backend) {
}
