// Element-wise kernels between matmuls: SwiGLU (silu(gate) * up from the bf16 gate/up projection, rounded to
// bf16 for the down projection) and a bias added to the residual stream.
#include "cuda_check.h"
#include "device_utils.cuh"
#include "kernels.cuh"
#include "launch.cuh"

namespace sg::cuda {
namespace {

__global__ void swiglu_kernel(const uint32_t *gate_up, int rows, int inter, uint16_t *out) {
    pdl_enter();
    const size_t total = static_cast<size_t>(rows) * inter;
    for (size_t idx = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; idx < total;
         idx += static_cast<size_t>(gridDim.x) * blockDim.x) {
        const float2 gu = bf16x2_to_float2(gate_up[idx]);  // row r's pair i is word r * inter + i
        out[idx] = float_to_bf16_bits(silu_times(gu.x, gu.y));
    }
}

__global__ void add_bias_kernel(float *y, const float *bias, int rows, int n) {
    pdl_enter();
    const size_t total = static_cast<size_t>(rows) * n;
    for (size_t idx = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; idx < total;
         idx += static_cast<size_t>(gridDim.x) * blockDim.x)
        y[idx] += bias[idx % n];
}

int grid_for(size_t total, int threads) {
    const size_t blocks = (total + threads - 1) / threads;
    return static_cast<int>(blocks < 65536 ? blocks : 65536);
}

}  // namespace

void swiglu(const bf16_bits *gate_up, int rows, int inter, bf16_bits *out, KernelStream stream) {
    if (rows <= 0) return;
    launch("swiglu_kernel", swiglu_kernel, grid_for(static_cast<size_t>(rows) * inter, 256), 256, 0, stream,
           reinterpret_cast<const uint32_t *>(gate_up), rows, inter, out);
}

void add_bias(float *y, const float *bias, int rows, int n, KernelStream stream) {
    if (rows <= 0) return;
    launch("add_bias_kernel", add_bias_kernel, grid_for(static_cast<size_t>(rows) * n, 256), 256, 0, stream, y, bias, rows, n);
}

}  // namespace sg::cuda
