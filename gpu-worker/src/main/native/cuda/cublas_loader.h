// cuBLAS, loaded with dlopen when the CUDA backend starts: the engine library has no load-time dependency
// on it, so it loads (and runs on the CPU) on machines without the CUDA libraries. Only the handful of
// entry points the backend calls are declared here, with the types and enumerator values of cublas_api.h
// (CUDA 12 and 13), which are part of cuBLAS's stable C ABI.
#pragma once

#include <cuda_runtime.h>
#include <library_types.h>

#include <cstddef>
#include <string>

namespace sg::cuda {

struct CublasContext;
using cublasHandle_t = CublasContext *;
using cublasStatus_t = int;  // CUBLAS_STATUS_SUCCESS = 0
enum CublasOperation : int { kCublasOpN = 0, kCublasOpT = 1 };
enum CublasComputeType : int { kCublasCompute32F = 68 };
enum CublasGemmAlgo : int { kCublasGemmDefault = -1 };
enum CublasMath : int { kCublasDefaultMath = 0 };

struct CublasApi {
    cublasStatus_t (*create)(cublasHandle_t *handle);
    cublasStatus_t (*destroy)(cublasHandle_t handle);
    cublasStatus_t (*set_stream)(cublasHandle_t handle, cudaStream_t stream);
    cublasStatus_t (*set_workspace)(cublasHandle_t handle, void *workspace, size_t bytes);
    cublasStatus_t (*set_math_mode)(cublasHandle_t handle, int mode);
    cublasStatus_t (*get_version)(cublasHandle_t handle, int *version);
    cublasStatus_t (*gemm_ex)(cublasHandle_t handle, int transa, int transb, int m, int n, int k, const void *alpha,
                              const void *a, cudaDataType a_type, int lda, const void *b, cudaDataType b_type, int ldb,
                              const void *beta, void *c, cudaDataType c_type, int ldc, int compute_type, int algo);
    const char *(*status_string)(cublasStatus_t status);  // may be null on old versions
    std::string library;                                  // the file that was loaded
};

// The process-wide cuBLAS entry points, loaded on first use (thread-safe). Null with `*reason` set when no
// usable cuBLAS was found: $STREAMGATE_CUBLAS (a path), then libcublas.so.13 and .so.12 on the loader path.
const CublasApi *cublas_api(std::string *reason);

// Fails with SG_ERR_INTERNAL naming the call and cuBLAS's status.
void check_cublas(cublasStatus_t status, const char *what);

}  // namespace sg::cuda
