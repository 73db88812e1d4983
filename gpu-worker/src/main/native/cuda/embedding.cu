// Embedding gather: one block per token row, widened to float32 for the residual stream.
#include "cuda_check.h"
#include "device_utils.cuh"
#include "kernels.cuh"
#include "launch.cuh"

namespace sg::cuda {
namespace {

__global__ void embed_rows_kernel(const uint16_t *table, const int32_t *tokens, int hidden, float *x) {
    pdl_enter();
    const int r = blockIdx.x;
    const uint16_t *src = table + static_cast<size_t>(tokens[r]) * hidden;
    float *dst = x + static_cast<size_t>(r) * hidden;
    for (int i = threadIdx.x; i < hidden; i += blockDim.x) dst[i] = bf16_bits_to_float(src[i]);
}

}  // namespace

void embed_rows(const bf16_bits *table, const int32_t *tokens, int rows, int hidden, float *x, KernelStream stream) {
    if (rows <= 0) return;
    launch("embed_rows_kernel", embed_rows_kernel, rows, 256, 0, stream, table, tokens, hidden, x);
}

}  // namespace sg::cuda
