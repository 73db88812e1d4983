// Every kernel of the backend is launched through launch(): plainly, or with programmatic dependent launch
// (PDL, sm_90+) when its KernelStream asks for it. A programmatic launch lets a kernel's blocks be scheduled
// while the kernel before it is still running, instead of after it has drained: at batch 1 a decode step is
// 7 kernels per layer, most of them a few microseconds long, so the gaps between them are a large share of
// the step. The gemv also uses the head start to pull its weight rows towards L2 (gemv.cu).
//
// Correctness rests on one rule, kept by every kernel (device_utils.cuh, pdl_enter): wait for the previous
// kernel before touching anything another kernel writes. The emulator checks that every thread of a programmatic
// launch reaches that wait; reading only constant inputs before it is kept by review (the gemv is the one kernel
// that does anything before it). The engine check compares programmatic and plain launches bit for bit.
#pragma once

#include <cuda_runtime.h>

#include <string>
#include <utility>

#include "cuda_check.h"
#include "kernels.cuh"

namespace sg::cuda {

template <class... Params, class... Args>
void launch(const char *name, void (*kernel)(Params...), dim3 grid, dim3 block, size_t shared_bytes, KernelStream on,
            Args &&...args) {
#if defined(SG_EMULATOR)
    ::sg_emu::launcher(kernel, name, grid, block, shared_bytes, on.stream, on.programmatic)(std::forward<Args>(args)...);
    cudaError_t status = cudaGetLastError();
#else
    cudaLaunchAttribute attribute{};
    attribute.id = cudaLaunchAttributeProgrammaticStreamSerialization;
    attribute.val.programmaticStreamSerializationAllowed = 1;
    cudaLaunchConfig_t config{};
    config.gridDim = grid;
    config.blockDim = block;
    config.dynamicSmemBytes = shared_bytes;
    config.stream = on.stream;
    config.attrs = &attribute;
    config.numAttrs = on.programmatic ? 1 : 0;
    cudaError_t status = cudaLaunchKernelEx(&config, kernel, std::forward<Args>(args)...);
    const cudaError_t last = cudaGetLastError();  // read either way: it also clears a refused launch's error
    if (status == cudaSuccess) status = last;
#endif
    // A bad configuration shows up here, a fault inside the kernel at the next synchronisation.
    if (status != cudaSuccess) raise_cuda_error(status, (std::string("launch of ") + name).c_str(), __FILE__, __LINE__);
}

}  // namespace sg::cuda
