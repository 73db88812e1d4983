// cuBLAS for the host SIMT emulator: the entry points the backend binds (cuda/cublas_loader.h), with GemmEx as a
// plain float32-accumulating reference that checks its arguments the way cuBLAS does (operation, sizes, leading
// dimensions, data and compute types) and that every operand lies inside one device allocation. Calls go through
// the stream like kernels, so they are recorded into graphs; alpha and beta are read at the call, as cuBLAS's
// host pointer mode does.
#include "sg_emu.h"  // first: it defines the execution-space keywords before the CUDA headers do

#include <cuda_bf16.h>

#include <cstring>
#include <memory>

#include "../../cuda/cublas_loader.h"
#include "../../engine/dtype.h"
#include "../../engine/errors.h"

namespace sg::cuda {

struct CublasContext {
    cudaStream_t stream = nullptr;
};

namespace {

constexpr cublasStatus_t kSuccess = 0, kNotInitialized = 1, kInvalidValue = 7, kNotSupported = 15;

float load(const void *base, cudaDataType type, size_t index) {
    if (type == CUDA_R_32F) return static_cast<const float *>(base)[index];
    uint32_t bits = static_cast<uint32_t>(static_cast<const uint16_t *>(base)[index]) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

size_t element_bytes(cudaDataType type) { return type == CUDA_R_32F ? 4 : 2; }

// Column-major [rows, cols] with leading dimension ld: the span it covers.
size_t extent(int rows, int cols, int ld) { return rows == 0 || cols == 0 ? 0 : static_cast<size_t>(ld) * (cols - 1) + rows; }

cublasStatus_t create(cublasHandle_t *handle) {
    *handle = new CublasContext();
    return kSuccess;
}

cublasStatus_t destroy(cublasHandle_t handle) {
    delete handle;
    return kSuccess;
}

cublasStatus_t set_stream(cublasHandle_t handle, cudaStream_t stream) {
    if (handle == nullptr) return kNotInitialized;
    handle->stream = stream;
    return kSuccess;
}

cublasStatus_t set_workspace(cublasHandle_t handle, void *workspace, size_t bytes) {
    if (handle == nullptr) return kNotInitialized;
    return bytes == 0 || sg_emu::is_device_range(workspace, bytes) ? kSuccess : kInvalidValue;
}

cublasStatus_t set_math_mode(cublasHandle_t handle, int) { return handle == nullptr ? kNotInitialized : kSuccess; }

cublasStatus_t get_version(cublasHandle_t, int *version) {
    *version = 130000;
    return kSuccess;
}

cublasStatus_t gemm_ex(cublasHandle_t handle, int transa, int transb, int m, int n, int k, const void *alpha_ptr,
                       const void *a, cudaDataType a_type, int lda, const void *b, cudaDataType b_type, int ldb,
                       const void *beta_ptr, void *c, cudaDataType c_type, int ldc, int compute_type, int) {
    if (handle == nullptr) return kNotInitialized;
    if ((transa != kCublasOpN && transa != kCublasOpT) || (transb != kCublasOpN && transb != kCublasOpT)) return kInvalidValue;
    if (m < 0 || n < 0 || k < 0) return kInvalidValue;
    const int a_rows = transa == kCublasOpN ? m : k, a_cols = transa == kCublasOpN ? k : m;
    const int b_rows = transb == kCublasOpN ? k : n, b_cols = transb == kCublasOpN ? n : k;
    if (lda < (a_rows > 1 ? a_rows : 1) || ldb < (b_rows > 1 ? b_rows : 1) || ldc < (m > 1 ? m : 1)) return kInvalidValue;
    if (compute_type != kCublasCompute32F || (c_type != CUDA_R_32F && c_type != CUDA_R_16BF)) return kNotSupported;
    if ((a_type != CUDA_R_16BF && a_type != CUDA_R_32F) || (b_type != CUDA_R_16BF && b_type != CUDA_R_32F)) return kNotSupported;
    if (m == 0 || n == 0) return kSuccess;
    if (!sg_emu::is_device_range(a, extent(a_rows, a_cols, lda) * element_bytes(a_type)) ||
        !sg_emu::is_device_range(b, extent(b_rows, b_cols, ldb) * element_bytes(b_type)) ||
        !sg_emu::is_device_range(c, extent(m, n, ldc) * element_bytes(c_type)))
        return kInvalidValue;
    const float alpha = *static_cast<const float *>(alpha_ptr), beta = *static_cast<const float *>(beta_ptr);
    sg_emu::enqueue(handle->stream, [=] {
        for (int j = 0; j < n; ++j)
            for (int i = 0; i < m; ++i) {
                float sum = 0.0f;
                for (int l = 0; l < k; ++l) {
                    const size_t ai = transa == kCublasOpN ? i + static_cast<size_t>(l) * lda : l + static_cast<size_t>(i) * lda;
                    const size_t bi = transb == kCublasOpN ? l + static_cast<size_t>(j) * ldb : j + static_cast<size_t>(l) * ldb;
                    sum += load(a, a_type, ai) * load(b, b_type, bi);
                }
                const size_t at = i + static_cast<size_t>(j) * ldc;
                const float y = beta == 0.0f ? alpha * sum : alpha * sum + beta * load(c, c_type, at);  // beta 0: C is not read
                if (c_type == CUDA_R_32F) static_cast<float *>(c)[at] = y;
                else static_cast<uint16_t *>(c)[at] = f32_to_bf16(y);  // rounded to nearest even, as cuBLAS does
            }
    });
    return kSuccess;
}

const char *status_string(cublasStatus_t status) {
    switch (status) {
        case kSuccess: return "CUBLAS_STATUS_SUCCESS";
        case kNotInitialized: return "CUBLAS_STATUS_NOT_INITIALIZED";
        case kInvalidValue: return "CUBLAS_STATUS_INVALID_VALUE";
        case kNotSupported: return "CUBLAS_STATUS_NOT_SUPPORTED";
        default: return "CUBLAS_STATUS_(emulated)";
    }
}

}  // namespace

const CublasApi *cublas_api(std::string *) {
    static const CublasApi api{create, destroy, set_stream, set_workspace, set_math_mode, get_version, gemm_ex, status_string,
                               "cuBLAS host emulation"};
    return &api;
}

void check_cublas(cublasStatus_t status, const char *what) {
    if (status == 0) return;
    fail(SG_ERR_INTERNAL, "cuBLAS error %d %s in %s", status, status_string(status), what);
}

}  // namespace sg::cuda
