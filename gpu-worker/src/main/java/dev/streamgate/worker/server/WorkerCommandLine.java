package dev.streamgate.worker.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import dev.streamgate.worker.BundledModel;
import dev.streamgate.worker.WorkerOptions;
import dev.streamgate.worker.engine.EngineOptions;

/**
 * The worker's command line: {@code --model <folder|bundled name> [--host H] [--port 8000] [--threads N]
 * [--kv-blocks N | --kv-cache-mib N] [--kv-block-size N] [--kv-dtype f32|bf16] [--max-num-seqs N]
 * [--max-batched-tokens N] [--served-model-name NAME]}, and for the backend and the GPU {@code [--backend
 * auto|cpu|cuda] [--device N] [--kv-memory-fraction F] [--cuda-graph-max-batch N] [--programmatic-launch on|off]}.
 */
record WorkerCommandLine(Path model, String host, int port, WorkerOptions options) {

    static final String USAGE = "usage: java -jar streamgate-gpu-worker-all.jar --model <folder|demo-chat>"
            + " [--host 0.0.0.0] [--port 8000] [--threads N (0: all cores)] [--kv-blocks N | --kv-cache-mib N]"
            + " [--kv-block-size 16] [--kv-dtype f32|bf16] [--max-num-seqs N] [--max-batched-tokens N]"
            + " [--served-model-name NAME] [--backend auto|cpu|cuda] [--device 0] [--kv-memory-fraction 0.9]"
            + " [--cuda-graph-max-batch 256] [--programmatic-launch on|off]";

    static WorkerCommandLine parse(String... args) {
        String model = null;
        String host = "0.0.0.0";
        int port = 8000;
        WorkerOptions defaults = WorkerOptions.DEFAULTS;
        EngineOptions engine = defaults.engine();
        String servedName = null;
        int threads = engine.threads();
        int kvBlockSize = engine.kvBlockSize();
        EngineOptions.KvCacheDtype kvDtype = engine.kvDtype();
        Integer kvBlocks = null;
        Integer kvCacheMib = null;
        int maxNumSeqs = defaults.maxNumSeqs();
        Integer maxBatchedTokens = null;
        EngineOptions.ComputeBackend backend = engine.backend();
        EngineOptions.Gpu gpu = engine.gpu();
        int device = gpu.device();
        double kvMemoryFraction = gpu.kvMemoryFraction();
        int graphMaxBatch = gpu.graphMaxBatch();
        boolean programmaticLaunch = gpu.programmaticLaunch();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--model" -> model = value;
                case "--host" -> host = value;
                case "--port" -> port = number(flag, value);
                case "--threads" -> threads = number(flag, value);
                case "--kv-blocks" -> kvBlocks = number(flag, value);
                case "--kv-cache-mib" -> kvCacheMib = number(flag, value);
                case "--kv-block-size" -> kvBlockSize = number(flag, value);
                case "--kv-dtype" -> kvDtype = kvDtype(value);
                case "--max-num-seqs" -> maxNumSeqs = number(flag, value);
                case "--max-batched-tokens" -> maxBatchedTokens = number(flag, value);
                case "--served-model-name" -> servedName = value;
                case "--backend" -> backend = backend(value);
                case "--device" -> device = number(flag, value);
                case "--kv-memory-fraction" -> kvMemoryFraction = fraction(flag, value);
                case "--cuda-graph-max-batch" -> graphMaxBatch = number(flag, value);
                case "--programmatic-launch" -> programmaticLaunch = onOff(flag, value);
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (model == null) {
            throw new IllegalArgumentException("--model is required");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535");
        }
        if (kvBlocks != null && kvCacheMib != null) {
            throw new IllegalArgumentException("--kv-blocks and --kv-cache-mib both size the KV pool; give one");
        }
        try {
            engine = engine.withThreads(threads).withKvBlockSize(kvBlockSize).withKvDtype(kvDtype).withBackend(backend)
                    .withGpu(new EngineOptions.Gpu(device, kvMemoryFraction, gpu.maxBatchTokens(), graphMaxBatch,
                            programmaticLaunch));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid engine option: " + e.getMessage(), e);
        }
        if (kvBlocks != null) {
            if (kvBlocks < 1) {
                throw new IllegalArgumentException("--kv-blocks must be at least 1");
            }
            engine = engine.withKvBlocks(kvBlocks);
        }
        if (kvCacheMib != null) {
            if (kvCacheMib < 1) {
                throw new IllegalArgumentException("--kv-cache-mib must be at least 1");
            }
            engine = engine.withKvCacheBytes((long) kvCacheMib << 20);
        }
        // Every running sequence decodes in every step, so the token budget grows with --max-num-seqs unless set.
        int batched = maxBatchedTokens != null ? maxBatchedTokens
                : Math.max(defaults.maxBatchedTokens(), maxNumSeqs);
        WorkerOptions options = new WorkerOptions(servedName, engine, maxNumSeqs, batched, defaults.warmupTimeout());
        return new WorkerCommandLine(folder(model), host, port, options);
    }

    /** A folder on disk, or the name of a model bundled in the jar. */
    private static Path folder(String model) {
        Path path = Path.of(model);
        if (Files.isDirectory(path)) {
            return path;
        }
        if (BundledModel.exists(model)) {
            return BundledModel.folder(model);
        }
        throw new IllegalArgumentException("--model " + model + " is neither a folder nor a bundled model");
    }

    private static EngineOptions.KvCacheDtype kvDtype(String value) {
        try {
            return EngineOptions.KvCacheDtype.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--kv-dtype must be f32 or bf16, was " + value);
        }
    }

    private static EngineOptions.ComputeBackend backend(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "auto" -> EngineOptions.ComputeBackend.AUTO;
            case "cpu" -> EngineOptions.ComputeBackend.CPU;
            case "cuda" -> EngineOptions.ComputeBackend.CUDA;
            default -> throw new IllegalArgumentException("--backend must be auto, cpu or cuda, was " + value);
        };
    }

    private static boolean onOff(String flag, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(flag + " must be on or off, was " + value);
        };
    }

    private static double fraction(String flag, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a number, was " + value);
        }
    }

    private static int number(String flag, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a number, was " + value);
        }
    }
}
