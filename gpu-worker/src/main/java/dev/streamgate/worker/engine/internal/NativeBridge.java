package dev.streamgate.worker.engine.internal;

import java.nio.ByteBuffer;

/**
 * The JNI entry points of {@code streamgate_engine.h}, registered by the library's {@code JNI_OnLoad}. Every
 * int result is a native status code ({@code 0} = OK); {@link #lastError()} gives the message on the same
 * thread. Call {@link NativeLibrary#load()} first.
 */
public final class NativeBridge {

    private NativeBridge() {
    }

    public static native String lastError();

    /** Writes {@code sg_engine_default_params()} into a direct buffer; the bytes written, or -1 if it is too small. */
    public static native int defaultParams(ByteBuffer out);

    /**
     * {@code config} and {@code params} are direct buffers holding {@code sg_model_config} and
     * {@code sg_engine_params}; the tensor arrays are parallel, with {@code SG_MAX_DIMS} (4) shape slots per
     * tensor. The engine handle lands in {@code handleOut[0]}.
     */
    public static native int create(ByteBuffer config, ByteBuffer params, String[] names, String[] paths, long[] offsets,
                                    int[] dtypes, int[] nDims, long[] shapes, long[] handleOut);

    public static native void free(long handle);

    public static native String backendName(long handle);

    /** Blocks in the engine's KV pool, as sized at creation. */
    public static native int kvBlocks(long handle);

    /** {@code 0} when the backend (a {@code SG_BACKEND_*} code) can run here, else a status with {@link #lastError()} saying why. */
    public static native int probeBackend(int backend);

    /** Runs one packed step (layout in the header) from {@code batch} into {@code out}. */
    public static native int stepPacked(long handle, ByteBuffer batch, int batchBytes, ByteBuffer out, int outBytes);
}
