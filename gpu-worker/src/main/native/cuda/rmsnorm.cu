// RMSNorm: one block per row; the sum of squares in float32, the output rounded to bf16 once (it feeds a
// matmul). An optional row index gathers rows first (the final norm runs only on rows whose logits are read).
#include "cuda_check.h"
#include "device_utils.cuh"
#include "kernels.cuh"
#include "launch.cuh"

namespace sg::cuda {
namespace {

constexpr int kThreads = 256;

__global__ void rms_norm_kernel(const float *x, const int32_t *row_index, int hidden, const float *weight, float eps,
                                uint16_t *out) {
    pdl_enter();
    __shared__ float scratch[32];
    const int r = blockIdx.x;
    const int src = row_index != nullptr ? row_index[r] : r;
    const float *in = x + static_cast<size_t>(src) * hidden;
    float sum = 0.0f;
    for (int i = threadIdx.x; i < hidden; i += blockDim.x) sum += in[i] * in[i];
    sum = block_sum(sum, scratch);
    const float scale = rsqrtf(sum / static_cast<float>(hidden) + eps);
    uint16_t *o = out + static_cast<size_t>(r) * hidden;
    for (int i = threadIdx.x; i < hidden; i += blockDim.x) o[i] = float_to_bf16_bits(weight[i] * (in[i] * scale));
}

}  // namespace

void rms_norm(const float *x, const int32_t *row_index, int rows, int hidden, const float *weight, float eps,
              bf16_bits *out, KernelStream stream) {
    if (rows <= 0) return;
    launch("rms_norm_kernel", rms_norm_kernel, rows, kThreads, 0, stream, x, row_index, hidden, weight, eps, out);
}

}  // namespace sg::cuda
