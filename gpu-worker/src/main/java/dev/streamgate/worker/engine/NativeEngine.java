package dev.streamgate.worker.engine;

import dev.streamgate.worker.engine.EngineException.Kind;
import dev.streamgate.worker.engine.internal.CheckpointFiles;
import dev.streamgate.worker.engine.internal.ModelConfigReader;
import dev.streamgate.worker.engine.internal.NativeBridge;
import dev.streamgate.worker.engine.internal.NativeLibrary;
import dev.streamgate.worker.engine.internal.NativeStructs;
import dev.streamgate.worker.engine.internal.StepBuffers;
import dev.streamgate.worker.engine.internal.TensorEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The native engine (C++ behind JNI, {@code src/main/native/include/streamgate_engine.h}) running a Hugging Face
 * Llama or Qwen2 checkpoint. Java parses {@code config.json} and the safetensors headers; the native side maps
 * the weight files, checks every tensor's shape and runs the steps.
 *
 * <p>Not thread-safe, like every {@link InferenceEngine}: one scheduler thread drives it.
 */
public final class NativeEngine implements InferenceEngine {

    /** Which logits {@link #stepWithLogits} returns. */
    public enum LogitsMode {
        /** One row per batch entry: the logits after its last new token. */
        LAST,
        /** One row per new token of the batch, in batch order. */
        ALL
    }

    private final ModelConfig config;
    private final ModelInfo info;
    private final StepBuffers buffers;
    private long handle;

    private NativeEngine(ModelConfig config, ModelInfo info, long handle, int maxLogprobs) {
        this.config = config;
        this.info = info;
        this.handle = handle;
        this.buffers = new StepBuffers(config.vocabSize(), maxLogprobs);
    }

    /** Loads the model in {@code modelFolder} with {@link EngineOptions#defaults()}. */
    public static NativeEngine load(Path modelFolder) {
        return load(modelFolder, EngineOptions.defaults());
    }

    /**
     * Loads the model in {@code modelFolder} ({@code config.json} plus {@code *.safetensors}, sharded or not).
     *
     * @throws EngineException naming the unsupported architecture, dtype or rope type, or the missing or
     *                         mis-shaped tensor
     */
    public static NativeEngine load(Path modelFolder, EngineOptions options) {
        Path configJson = modelFolder.resolve("config.json");
        if (!Files.isRegularFile(configJson))
            throw new EngineException(Kind.MODEL, "no config.json in model folder " + modelFolder);
        ModelConfig config = ModelConfigReader.read(configJson);
        List<TensorEntry> tensors = CheckpointFiles.tensors(modelFolder);

        NativeLibrary.load();
        int n = tensors.size();
        String[] names = new String[n], paths = new String[n];
        long[] offsets = new long[n], shapes = new long[4 * n], handleOut = new long[1];
        int[] dtypes = new int[n], dims = new int[n];
        for (int i = 0; i < n; i++) {
            TensorEntry t = tensors.get(i);
            names[i] = t.name();
            paths[i] = t.file().toAbsolutePath().toString();
            offsets[i] = t.offset();
            dtypes[i] = t.dtype();
            dims[i] = t.shape().length; // above 4 the native side keeps 4 dims and rejects the tensor if it is used
            for (int d = 0; d < Math.min(t.shape().length, 4); d++) shapes[4 * i + d] = t.shape()[d];
        }
        int status = NativeBridge.create(NativeStructs.modelConfig(config), NativeStructs.engineParams(options, options.kvBlocks()),
                names, paths, offsets, dtypes, dims, shapes, handleOut);
        if (status != 0) throw new EngineException(Kind.ofStatus(status), modelFolder + ": " + NativeBridge.lastError());
        long handle = handleOut[0];
        ModelInfo info = new ModelInfo(config.architecture(), config.vocabSize(), config.maxPositionEmbeddings(),
                options.kvBlockSize(), NativeBridge.kvBlocks(handle), NativeBridge.backendName(handle));
        return new NativeEngine(config, info, handle, options.maxLogprobs());
    }

    /**
     * Why {@code backend} cannot run on this machine with this build (no CUDA in the build, no driver or device, no
     * cuBLAS), or empty when it can. {@link EngineOptions.ComputeBackend#AUTO} always can.
     */
    public static Optional<String> unavailableReason(EngineOptions.ComputeBackend backend) {
        NativeLibrary.load();
        int status = NativeBridge.probeBackend(NativeStructs.backendCode(backend));
        return status == 0 ? Optional.empty() : Optional.of(NativeBridge.lastError());
    }

    public ModelConfig config() {
        return config;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public List<StepOutput> step(List<BatchEntry> batch) {
        run(batch, StepBuffers.LOGITS_NONE);
        return buffers.outputs(batch);
    }

    /** Runs a step like {@link #step} and also returns logits; meant for tests and debugging, it copies a lot. */
    public LogitsStep stepWithLogits(List<BatchEntry> batch, LogitsMode mode) {
        int logitsMode = mode == LogitsMode.ALL ? StepBuffers.LOGITS_ALL : StepBuffers.LOGITS_LAST;
        run(batch, logitsMode);
        return new LogitsStep(buffers.outputs(batch), buffers.logits(batch, logitsMode));
    }

    private void run(List<BatchEntry> batch, int logitsMode) {
        if (handle == 0) throw new IllegalStateException("engine is closed");
        if (batch.isEmpty()) return;
        buffers.pack(batch, logitsMode);
        int status = NativeBridge.stepPacked(handle, buffers.input(), buffers.inputBytes(), buffers.output(), buffers.outputBytes());
        if (status != 0) throw new EngineException(Kind.ofStatus(status), NativeBridge.lastError());
    }

    @Override
    public void close() {
        if (handle != 0) {
            NativeBridge.free(handle);
            handle = 0;
        }
    }
}
