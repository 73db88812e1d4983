// JNI glue for dev.streamgate.worker.engine.internal.NativeBridge: converts Java arrays and direct
// buffers to the C API's types and back. No engine logic lives here.
#include <cstring>
#include <jni.h>

#include <string>
#include <vector>

#include "streamgate_engine.h"

namespace {

constexpr const char *kBridgeClass = "dev/streamgate/worker/engine/internal/NativeBridge";

sg_engine *engine_of(jlong handle) { return reinterpret_cast<sg_engine *>(static_cast<intptr_t>(handle)); }

// Holds a Java string's UTF-8 bytes for the duration of a call.
class Utf {
public:
    Utf(JNIEnv *env, jstring s) : env_(env), s_(s), chars_(s ? env->GetStringUTFChars(s, nullptr) : nullptr) {}
    ~Utf() {
        if (chars_) env_->ReleaseStringUTFChars(s_, chars_);
    }
    Utf(const Utf &) = delete;
    Utf(Utf &&o) noexcept : env_(o.env_), s_(o.s_), chars_(o.chars_) { o.chars_ = nullptr; }
    const char *get() const { return chars_; }

private:
    JNIEnv *env_;
    jstring s_;
    const char *chars_;
};

jstring last_error(JNIEnv *env, jclass) { return env->NewStringUTF(sg_last_error()); }

jint create(JNIEnv *env, jclass, jobject config, jobject params, jobjectArray names, jobjectArray paths,
            jlongArray offsets, jintArray dtypes, jintArray n_dims, jlongArray shapes, jlongArray handle_out) {
    if (env->GetDirectBufferCapacity(config) < static_cast<jlong>(sizeof(sg_model_config)) ||
        env->GetDirectBufferCapacity(params) < static_cast<jlong>(sizeof(sg_engine_params)))
        return SG_ERR_INVALID_ARGUMENT;
    const jsize n = env->GetArrayLength(names);
    if (env->EnsureLocalCapacity(2 * n + 16) != 0) return SG_ERR_OUT_OF_MEMORY;
    std::vector<Utf> name_chars, path_chars;
    name_chars.reserve(n);
    path_chars.reserve(n);
    std::vector<jlong> offset_values(n), shape_values(static_cast<size_t>(n) * SG_MAX_DIMS);
    std::vector<jint> dtype_values(n), dim_values(n);
    env->GetLongArrayRegion(offsets, 0, n, offset_values.data());
    env->GetIntArrayRegion(dtypes, 0, n, dtype_values.data());
    env->GetIntArrayRegion(n_dims, 0, n, dim_values.data());
    env->GetLongArrayRegion(shapes, 0, n * SG_MAX_DIMS, shape_values.data());
    if (env->ExceptionCheck()) return SG_ERR_INVALID_ARGUMENT;
    std::vector<sg_tensor_info> tensors(n);
    for (jsize i = 0; i < n; ++i) {
        name_chars.emplace_back(env, static_cast<jstring>(env->GetObjectArrayElement(names, i)));
        path_chars.emplace_back(env, static_cast<jstring>(env->GetObjectArrayElement(paths, i)));
        sg_tensor_info &t = tensors[i];
        t.name = name_chars.back().get();
        t.path = path_chars.back().get();
        t.data = nullptr;
        t.offset = static_cast<uint64_t>(offset_values[i]);
        t.dtype = dtype_values[i];
        t.n_dims = dim_values[i];
        for (int d = 0; d < SG_MAX_DIMS; ++d) t.shape[d] = shape_values[static_cast<size_t>(i) * SG_MAX_DIMS + d];
    }
    sg_engine *engine = nullptr;
    const int status = sg_engine_create(static_cast<const sg_model_config *>(env->GetDirectBufferAddress(config)),
                                        tensors.data(), n,
                                        static_cast<const sg_engine_params *>(env->GetDirectBufferAddress(params)), &engine);
    const jlong handle = static_cast<jlong>(reinterpret_cast<intptr_t>(engine));
    env->SetLongArrayRegion(handle_out, 0, 1, &handle);
    return status;
}

void free_engine(JNIEnv *, jclass, jlong handle) { sg_engine_free(engine_of(handle)); }

jstring backend_name(JNIEnv *env, jclass, jlong handle) {
    return env->NewStringUTF(sg_engine_backend_name(engine_of(handle)));
}

jint kv_blocks(JNIEnv *, jclass, jlong handle) { return sg_engine_kv_num_blocks(engine_of(handle)); }

jint probe_backend(JNIEnv *, jclass, jint backend) { return sg_backend_probe(backend); }

jint step_packed(JNIEnv *env, jclass, jlong handle, jobject batch, jint batch_bytes, jobject out, jint out_bytes) {
    return sg_engine_step_packed(engine_of(handle), env->GetDirectBufferAddress(batch), static_cast<size_t>(batch_bytes),
                                 env->GetDirectBufferAddress(out), static_cast<size_t>(out_bytes));
}

/* Copies sg_engine_default_params() into a direct buffer of at least sizeof(sg_engine_params) bytes, so that the
 * Java side takes its defaults from here instead of repeating them; returns the bytes written, or -1 if too small. */
jint default_params(JNIEnv *env, jclass, jobject out) {
    const sg_engine_params p = sg_engine_default_params();
    if (env->GetDirectBufferCapacity(out) < static_cast<jlong>(sizeof p)) return -1;
    std::memcpy(env->GetDirectBufferAddress(out), &p, sizeof p);
    return static_cast<jint>(sizeof p);
}

const JNINativeMethod kMethods[] = {
    {const_cast<char *>("lastError"), const_cast<char *>("()Ljava/lang/String;"), reinterpret_cast<void *>(last_error)},
    {const_cast<char *>("create"),
     const_cast<char *>("(Ljava/nio/ByteBuffer;Ljava/nio/ByteBuffer;[Ljava/lang/String;[Ljava/lang/String;[J[I[I[J[J)I"),
     reinterpret_cast<void *>(create)},
    {const_cast<char *>("free"), const_cast<char *>("(J)V"), reinterpret_cast<void *>(free_engine)},
    {const_cast<char *>("backendName"), const_cast<char *>("(J)Ljava/lang/String;"), reinterpret_cast<void *>(backend_name)},
    {const_cast<char *>("kvBlocks"), const_cast<char *>("(J)I"), reinterpret_cast<void *>(kv_blocks)},
    {const_cast<char *>("defaultParams"), const_cast<char *>("(Ljava/nio/ByteBuffer;)I"),
     reinterpret_cast<void *>(default_params)},
    {const_cast<char *>("probeBackend"), const_cast<char *>("(I)I"), reinterpret_cast<void *>(probe_backend)},
    {const_cast<char *>("stepPacked"), const_cast<char *>("(JLjava/nio/ByteBuffer;ILjava/nio/ByteBuffer;I)I"),
     reinterpret_cast<void *>(step_packed)},
};

}  // namespace

extern "C" JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *) {
    JNIEnv *env = nullptr;
    if (vm->GetEnv(reinterpret_cast<void **>(&env), JNI_VERSION_1_8) != JNI_OK) return JNI_ERR;
    jclass bridge = env->FindClass(kBridgeClass);
    if (bridge == nullptr) return JNI_ERR;
    if (env->RegisterNatives(bridge, kMethods, sizeof kMethods / sizeof kMethods[0]) != 0) return JNI_ERR;
    return JNI_VERSION_1_8;
}
