// After the fused q/k/v projection of a step of more than kGemvMaxRows rows: bias, rotary embedding of q and k
// (tables precomputed on the host in double, as the CPU backend computes them), and the store of k and v into the
// paged pool as bf16. Decode steps do the same in the projection's gemv (gemv.cu); qkv_rope.cuh is shared.
#include "cuda_check.h"
#include "device_utils.cuh"
#include "kernels.cuh"
#include "launch.cuh"
#include "qkv_rope.cuh"

namespace sg::cuda {
namespace {

__global__ void qkv_rope_store_kernel(const float *qkv, QkvRope rope) {
    pdl_enter();
    const int r = blockIdx.x;
    const int pairs = (rope.heads + 2 * rope.kv_heads) * rope.head_dim / 2;
    const float2 *row = reinterpret_cast<const float2 *>(qkv) + static_cast<size_t>(r) * pairs;
    for (int p = threadIdx.x; p < pairs; p += blockDim.x) {
        const float2 ab = row[p];
        store_qkv_pair(rope, r, 2 * p, ab.x, ab.y);
    }
}

}  // namespace

void qkv_rope_store(const float *qkv, int rows, const QkvRope &rope, KernelStream stream) {
    if (rows <= 0) return;
    launch("qkv_rope_store_kernel", qkv_rope_store_kernel, rows, 256, 0, stream, qkv, rope);
}

}  // namespace sg::cuda
