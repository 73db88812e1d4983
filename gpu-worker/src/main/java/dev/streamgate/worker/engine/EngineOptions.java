package dev.streamgate.worker.engine;

/**
 * How to run a model: the compute backend, CPU threads and the paged KV pool.
 *
 * @param backend      which backend to run ({@link ComputeBackend#AUTO} picks the best available)
 * @param threads      CPU worker threads, 0 for one per available core
 * @param kvBlockSize  tokens per KV block
 * @param kvBlocks     blocks in the KV pool; 0 sizes the pool from {@code kvCacheBytes}
 * @param kvCacheBytes memory for the KV pool when {@code kvBlocks} is 0
 * @param kvDtype      storage of cached keys and values
 * @param maxLogprobs  the most top alternatives one request may ask for
 */
public record EngineOptions(ComputeBackend backend, int threads, int kvBlockSize, int kvBlocks, long kvCacheBytes,
                            KvCacheDtype kvDtype, int maxLogprobs) {

    public enum ComputeBackend { AUTO, CPU, CPU_SCALAR }

    public enum KvCacheDtype { F32, BF16 }

    public EngineOptions {
        if (backend == null) throw new IllegalArgumentException("backend is required");
        if (kvDtype == null) throw new IllegalArgumentException("kvDtype is required");
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        if (kvBlockSize < 1 || kvBlockSize > 4096)
            throw new IllegalArgumentException("kvBlockSize must be in [1, 4096], got " + kvBlockSize);
        if (kvBlocks < 0) throw new IllegalArgumentException("kvBlocks must be >= 0, got " + kvBlocks);
        if (kvBlocks == 0 && kvCacheBytes <= 0)
            throw new IllegalArgumentException("kvCacheBytes must be positive when kvBlocks is 0, got " + kvCacheBytes);
        if (maxLogprobs < 0 || maxLogprobs > 1024)
            throw new IllegalArgumentException("maxLogprobs must be in [0, 1024], got " + maxLogprobs);
    }

    /** Auto backend, all cores, 16-token blocks, a 256 MiB float32 pool, up to 20 logprobs. */
    public static EngineOptions defaults() {
        return new EngineOptions(ComputeBackend.AUTO, 0, 16, 0, 256L << 20, KvCacheDtype.F32, 20);
    }

    public EngineOptions withBackend(ComputeBackend value) {
        return new EngineOptions(value, threads, kvBlockSize, kvBlocks, kvCacheBytes, kvDtype, maxLogprobs);
    }

    public EngineOptions withThreads(int value) {
        return new EngineOptions(backend, value, kvBlockSize, kvBlocks, kvCacheBytes, kvDtype, maxLogprobs);
    }

    public EngineOptions withKvBlockSize(int value) {
        return new EngineOptions(backend, threads, value, kvBlocks, kvCacheBytes, kvDtype, maxLogprobs);
    }

    public EngineOptions withKvBlocks(int value) {
        return new EngineOptions(backend, threads, kvBlockSize, value, kvCacheBytes, kvDtype, maxLogprobs);
    }

    /** Sizes the pool by memory instead of block count (sets {@code kvBlocks} to 0). */
    public EngineOptions withKvCacheBytes(long value) {
        return new EngineOptions(backend, threads, kvBlockSize, 0, value, kvDtype, maxLogprobs);
    }

    public EngineOptions withKvDtype(KvCacheDtype value) {
        return new EngineOptions(backend, threads, kvBlockSize, kvBlocks, kvCacheBytes, value, maxLogprobs);
    }

    public EngineOptions withMaxLogprobs(int value) {
        return new EngineOptions(backend, threads, kvBlockSize, kvBlocks, kvCacheBytes, kvDtype, value);
    }
}
