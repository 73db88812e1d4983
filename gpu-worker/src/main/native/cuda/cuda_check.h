// Turns CUDA runtime failures into the engine's errors: SG_ERR_OUT_OF_MEMORY for allocation failures,
// SG_ERR_INTERNAL for everything else, with the failing call, the CUDA error name and where it happened.
// Every runtime call goes through SG_CUDA_CHECK, every kernel launch through launch.cuh.
#pragma once

#include <cuda_runtime.h>

#include "../engine/errors.h"

namespace sg::cuda {

[[noreturn]] inline void raise_cuda_error(cudaError_t error, const char *what, const char *file, int line) {
    const int status = error == cudaErrorMemoryAllocation ? SG_ERR_OUT_OF_MEMORY : SG_ERR_INTERNAL;
    fail(status, "CUDA error %s (%s) in %s at %s:%d", cudaGetErrorName(error), cudaGetErrorString(error), what, file, line);
}

}  // namespace sg::cuda

#define SG_CUDA_CHECK(call)                                                              \
    do {                                                                                 \
        const cudaError_t sg_cuda_status_ = (call);                                      \
        if (sg_cuda_status_ != cudaSuccess)                                              \
            ::sg::cuda::raise_cuda_error(sg_cuda_status_, #call, __FILE__, __LINE__);    \
    } while (0)
