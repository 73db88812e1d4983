#include "kernels.h"

namespace sg {

#ifdef STREAMGATE_HAVE_AVX2
extern const CpuKernels kAvx2Kernels;
#endif

const CpuKernels *avx2_kernels() {
#ifdef STREAMGATE_HAVE_AVX2
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c"))
        return &kAvx2Kernels;
#endif
    return nullptr;
}

}  // namespace sg
