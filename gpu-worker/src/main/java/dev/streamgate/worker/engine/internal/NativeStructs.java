package dev.streamgate.worker.engine.internal;

import dev.streamgate.worker.engine.EngineException;
import dev.streamgate.worker.engine.EngineException.Kind;
import dev.streamgate.worker.engine.EngineOptions;
import dev.streamgate.worker.engine.ModelConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes {@code sg_model_config} and {@code sg_engine_params} as the header lays them out: 32-bit fields, field
 * i at byte 4*i, native byte order. The order here must follow the structs' declaration order.
 */
public final class NativeStructs {

    static final int ARCH_LLAMA = 1;
    static final int ARCH_QWEN2 = 2;
    static final int BACKEND_AUTO = 0;
    static final int BACKEND_CPU = 1;
    static final int BACKEND_CPU_SCALAR = 2;
    static final int BACKEND_CUDA = 3;
    static final int ENGINE_PARAMS_FIELDS = 12;

    private NativeStructs() {
    }

    public static ByteBuffer modelConfig(ModelConfig c) {
        ByteBuffer b = ByteBuffer.allocateDirect(18 * 4).order(ByteOrder.nativeOrder());
        b.putInt(c.architecture().equals(ModelConfig.QWEN2) ? ARCH_QWEN2 : ARCH_LLAMA);
        b.putInt(c.vocabSize()).putInt(c.hiddenSize()).putInt(c.intermediateSize()).putInt(c.numHiddenLayers());
        b.putInt(c.numAttentionHeads()).putInt(c.numKeyValueHeads()).putInt(c.headDim()).putInt(c.maxPositionEmbeddings());
        b.putInt(c.tieWordEmbeddings() ? 1 : 0).putInt(c.attentionBias() ? 1 : 0);
        b.putFloat(c.rmsNormEps());
        ModelConfig.Rope rope = c.rope();
        b.putInt(switch (rope.type()) {
            case "default" -> 0;
            case "linear" -> 1;
            case "llama3" -> 2;
            default -> throw new EngineException(Kind.UNSUPPORTED, "unsupported rope type " + rope.type());
        });
        b.putFloat((float) rope.theta()).putFloat((float) rope.factor()).putFloat((float) rope.lowFreqFactor());
        b.putFloat((float) rope.highFreqFactor()).putInt(rope.originalMaxPositionEmbeddings());
        return b.flip();
    }

    /** The {@code SG_BACKEND_*} code of a backend. */
    public static int backendCode(EngineOptions.ComputeBackend backend) {
        return switch (backend) {
            case AUTO -> BACKEND_AUTO;
            case CPU -> BACKEND_CPU;
            case CPU_SCALAR -> BACKEND_CPU_SCALAR;
            case CUDA -> BACKEND_CUDA;
        };
    }

    /** {@code kvBlocks} 0 lets the native side size the pool ({@code kvCacheBytes} on the CPU, the GPU's free memory). */
    public static ByteBuffer engineParams(EngineOptions o, int kvBlocks) {
        ByteBuffer b = ByteBuffer.allocateDirect(ENGINE_PARAMS_FIELDS * 4).order(ByteOrder.nativeOrder());
        b.putInt(backendCode(o.backend()));
        // 0 means "all cores": resolve it here, where the JVM knows the container's CPU limit.
        int threads = o.threads() > 0 ? o.threads() : Runtime.getRuntime().availableProcessors();
        b.putInt(threads).putInt(o.kvBlockSize()).putInt(kvBlocks);
        b.putInt(o.kvDtype() == EngineOptions.KvCacheDtype.F32 ? SafetensorsHeader.F32 : SafetensorsHeader.BF16);
        b.putInt(o.maxLogprobs());
        b.putInt((int) Math.min(Integer.MAX_VALUE, Math.max(1, o.kvCacheBytes() >> 20)));
        EngineOptions.Gpu gpu = o.gpu();
        b.putFloat((float) gpu.kvMemoryFraction()).putInt(gpu.maxBatchTokens()).putInt(gpu.graphMaxBatch()).putInt(gpu.device());
        b.putInt(gpu.programmaticLaunch() ? 1 : 0);
        return b.flip();
    }

    /**
     * The engine's own defaults ({@code sg_engine_default_params()}), read through JNI so that the Java defaults
     * are never a hand-kept copy that drifts from the header's.
     */
    public static EngineOptions defaultEngineOptions() {
        NativeLibrary.load();
        ByteBuffer b = ByteBuffer.allocateDirect(ENGINE_PARAMS_FIELDS * 4).order(ByteOrder.nativeOrder());
        int written = NativeBridge.defaultParams(b);
        if (written != ENGINE_PARAMS_FIELDS * 4) {
            throw new IllegalStateException("sg_engine_params is " + written + " bytes in the native library, "
                    + ENGINE_PARAMS_FIELDS * 4 + " here: the library and the Java classes come from different builds");
        }
        EngineOptions.ComputeBackend backend = switch (b.getInt()) {
            case BACKEND_AUTO -> EngineOptions.ComputeBackend.AUTO;
            case BACKEND_CPU -> EngineOptions.ComputeBackend.CPU;
            case BACKEND_CPU_SCALAR -> EngineOptions.ComputeBackend.CPU_SCALAR;
            case BACKEND_CUDA -> EngineOptions.ComputeBackend.CUDA;
            default -> throw new IllegalStateException("unknown default backend");
        };
        int threads = b.getInt();
        int kvBlockSize = b.getInt();
        int kvBlocks = b.getInt();
        EngineOptions.KvCacheDtype kvDtype = b.getInt() == SafetensorsHeader.F32 ? EngineOptions.KvCacheDtype.F32
                : EngineOptions.KvCacheDtype.BF16;
        int maxLogprobs = b.getInt();
        long kvCacheBytes = (long) b.getInt() << 20;
        // The float's shortest decimal (0.9f reads as 0.9, not 0.8999999761581421), which writes back as the same float.
        double kvMemoryFraction = Double.parseDouble(Float.toString(b.getFloat()));
        int maxBatchTokens = b.getInt();
        int graphMaxBatch = b.getInt();
        int device = b.getInt();
        boolean programmaticLaunch = b.getInt() != 0;
        return new EngineOptions(backend, threads, kvBlockSize, kvBlocks, kvCacheBytes, kvDtype, maxLogprobs,
                new EngineOptions.Gpu(device, kvMemoryFraction, maxBatchTokens, graphMaxBatch, programmaticLaunch));
    }
}
