package dev.streamgate.worker.engine;

import dev.streamgate.worker.engine.internal.NativeStructs;

/**
 * How to run a model: the compute backend, CPU threads, the paged KV pool and the GPU's settings.
 *
 * @param backend      which backend to run ({@link ComputeBackend#AUTO}: CUDA when this build and machine can, else
 *                     the CPU)
 * @param threads      CPU worker threads, 0 for one per available core
 * @param kvBlockSize  tokens per KV block
 * @param kvBlocks     blocks in the KV pool; 0 sizes the pool from memory: {@code kvCacheBytes} (whole MiB) on the
 *                     CPU, {@link Gpu#kvMemoryFraction()} of the free device memory on a GPU
 * @param kvCacheBytes memory for a CPU KV pool when {@code kvBlocks} is 0
 * @param kvDtype      storage of cached keys and values on the CPU (a GPU pool is always bf16)
 * @param maxLogprobs  the most top alternatives one request may ask for
 * @param gpu          settings the CUDA backend reads
 */
public record EngineOptions(ComputeBackend backend, int threads, int kvBlockSize, int kvBlocks, long kvCacheBytes,
                            KvCacheDtype kvDtype, int maxLogprobs, Gpu gpu) {

    public enum ComputeBackend { AUTO, CPU, CPU_SCALAR, CUDA }

    public enum KvCacheDtype { F32, BF16 }

    /**
     * The CUDA backend's settings.
     *
     * @param device           CUDA device ordinal
     * @param kvMemoryFraction share of the device memory free after weights and work buffers that the KV pool takes
     *                         (when {@code kvBlocks} is 0), in (0, 1]
     * @param maxBatchTokens   tokens per step the work buffers are first sized for (larger steps grow them)
     * @param graphMaxBatch    decode-only steps of up to this many sequences replay captured CUDA graphs; 0 = none
     * @param programmaticLaunch launch kernels with programmatic dependent launch, so that each starts while the one
     *                         before it drains (off: plain launches, the baseline the benchmark compares against)
     */
    public record Gpu(int device, double kvMemoryFraction, int maxBatchTokens, int graphMaxBatch,
                      boolean programmaticLaunch) {
        public Gpu {
            if (device < 0) throw new IllegalArgumentException("gpu.device must be >= 0, got " + device);
            if (!(kvMemoryFraction > 0 && kvMemoryFraction <= 1))
                throw new IllegalArgumentException("gpu.kvMemoryFraction must be in (0, 1], got " + kvMemoryFraction);
            if (maxBatchTokens < 1 || maxBatchTokens > (1 << 20))
                throw new IllegalArgumentException("gpu.maxBatchTokens must be in [1, 1048576], got " + maxBatchTokens);
            if (graphMaxBatch < 0 || graphMaxBatch > 4096)
                throw new IllegalArgumentException("gpu.graphMaxBatch must be in [0, 4096], got " + graphMaxBatch);
        }

        /** The native engine's GPU defaults (see {@link EngineOptions#defaults()}). */
        public static Gpu defaults() {
            return EngineOptions.defaults().gpu();
        }
    }

    public EngineOptions {
        if (backend == null) throw new IllegalArgumentException("backend is required");
        if (kvDtype == null) throw new IllegalArgumentException("kvDtype is required");
        if (gpu == null) throw new IllegalArgumentException("gpu is required");
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        if (kvBlockSize < 1 || kvBlockSize > 4096)
            throw new IllegalArgumentException("kvBlockSize must be in [1, 4096], got " + kvBlockSize);
        if (kvBlocks < 0) throw new IllegalArgumentException("kvBlocks must be >= 0, got " + kvBlocks);
        if (kvBlocks == 0 && kvCacheBytes <= 0)
            throw new IllegalArgumentException("kvCacheBytes must be positive when kvBlocks is 0, got " + kvCacheBytes);
        if (maxLogprobs < 0 || maxLogprobs > 1024)
            throw new IllegalArgumentException("maxLogprobs must be in [0, 1024], got " + maxLogprobs);
    }

    /**
     * The native engine's defaults, {@code sg_engine_default_params()} in {@code streamgate_engine.h}, read once
     * through JNI (loading the library): the header is their one source. At the time of writing: auto backend, all
     * cores, 16-token blocks, a pool sized from memory (256 MiB of float32 on the CPU, 90% of the free memory on a
     * GPU), up to 20 logprobs, device 0, 8192-token work buffers, graphs up to 256 sequences, programmatic launches.
     */
    public static EngineOptions defaults() {
        return NativeDefaults.OPTIONS;
    }

    /** Reads the native defaults on first use, so that merely naming this record loads no library. */
    private static final class NativeDefaults {
        static final EngineOptions OPTIONS = NativeStructs.defaultEngineOptions();
    }

    public EngineOptions withBackend(ComputeBackend value) {
        return new EngineOptions(value, threads, kvBlockSize, kvBlocks, kvCacheBytes, kvDtype, maxLogprobs, gpu);
    }

    public EngineOptions withThreads(int value) {
        return new EngineOptions(backend, value, kvBlockSize, kvBlocks, kvCacheBytes, kvDtype, maxLogprobs, gpu);
    }

    public EngineOptions withKvBlockSize(int value) {
        return new EngineOptions(backend, threads, value, kvBlocks, kvCacheBytes, kvDtype, maxLogprobs, gpu);
    }

    public EngineOptions withKvBlocks(int value) {
        return new EngineOptions(backend, threads, kvBlockSize, value, kvCacheBytes, kvDtype, maxLogprobs, gpu);
    }

    /** Sizes a CPU pool by memory instead of block count (sets {@code kvBlocks} to 0); rounded down to whole MiB, at least one. */
    public EngineOptions withKvCacheBytes(long value) {
        return new EngineOptions(backend, threads, kvBlockSize, 0, value, kvDtype, maxLogprobs, gpu);
    }

    public EngineOptions withKvDtype(KvCacheDtype value) {
        return new EngineOptions(backend, threads, kvBlockSize, kvBlocks, kvCacheBytes, value, maxLogprobs, gpu);
    }

    public EngineOptions withMaxLogprobs(int value) {
        return new EngineOptions(backend, threads, kvBlockSize, kvBlocks, kvCacheBytes, kvDtype, value, gpu);
    }

    public EngineOptions withGpu(Gpu value) {
        return new EngineOptions(backend, threads, kvBlockSize, kvBlocks, kvCacheBytes, kvDtype, maxLogprobs, value);
    }
}
