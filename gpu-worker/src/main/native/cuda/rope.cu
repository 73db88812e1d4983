// After the fused q/k/v projection: bias, rotary embedding of q and k (tables precomputed on the host in
// double, as the CPU backend computes them), and the store of k and v into the paged pool as bf16.
#include "cuda_check.h"
#include "device_utils.cuh"
#include "kernels.cuh"
#include "launch.cuh"

namespace sg::cuda {
namespace {

__global__ void qkv_rope_store_kernel(const float *qkv, const float *bias, const int32_t *positions, const int32_t *slots,
                                      int heads, int kv_heads, int head_dim, const float *cos_table,
                                      const float *sin_table, int block_size, float *q_out, uint16_t *kv_layer) {
    pdl_enter();
    const int r = blockIdx.x;
    const int half = head_dim / 2, q_dim = heads * head_dim, kv_dim = kv_heads * head_dim;
    const int width = q_dim + 2 * kv_dim;
    const float *row = qkv + static_cast<size_t>(r) * width;
    const float *c = cos_table + static_cast<size_t>(positions[r]) * half;
    const float *s = sin_table + static_cast<size_t>(positions[r]) * half;
    const int slot = slots[r], block = slot / block_size, offset = slot % block_size;
    const size_t tile = static_cast<size_t>(block_size) * head_dim;
    // Pairs (i, i + half) of every q and k head: rotated; then v copied.
    const int rotated = (heads + kv_heads) * half;
    for (int idx = threadIdx.x; idx < rotated + kv_dim; idx += blockDim.x) {
        if (idx < rotated) {
            const int head = idx / half, i = idx % half;
            const int col = head * head_dim + i;  // heads first, then kv heads: q_dim = heads * head_dim
            float a = row[col], b = row[col + half];
            if (bias != nullptr) {
                a += bias[col];
                b += bias[col + half];
            }
            const float x = a * c[i] - b * s[i], y = b * c[i] + a * s[i];
            if (head < heads) {
                q_out[static_cast<size_t>(r) * q_dim + col] = x;
                q_out[static_cast<size_t>(r) * q_dim + col + half] = y;
            } else {
                const int g = head - heads;
                uint16_t *k = kv_layer + ((static_cast<size_t>(block) * 2 + 0) * kv_heads + g) * tile +
                              static_cast<size_t>(offset) * head_dim;
                k[i] = float_to_bf16_bits(x);
                k[i + half] = float_to_bf16_bits(y);
            }
        } else {
            const int v_col = idx - rotated, g = v_col / head_dim, d = v_col % head_dim;
            float v = row[q_dim + kv_dim + v_col];
            if (bias != nullptr) v += bias[q_dim + kv_dim + v_col];
            uint16_t *dst = kv_layer + ((static_cast<size_t>(block) * 2 + 1) * kv_heads + g) * tile +
                            static_cast<size_t>(offset) * head_dim;
            dst[d] = float_to_bf16_bits(v);
        }
    }
}

}  // namespace

void qkv_rope_store(const float *qkv, const float *bias, const int32_t *positions, const int32_t *slots, int rows,
                    int heads, int kv_heads, int head_dim, const float *cos_table, const float *sin_table, int block_size,
                    float *q_out, bf16_bits *kv_layer, KernelStream stream) {
    if (rows <= 0) return;
    launch("qkv_rope_store_kernel", qkv_rope_store_kernel, rows, 256, 0, stream, qkv, bias, positions, slots, heads, kv_heads,
           head_dim, cos_table, sin_table, block_size, q_out, kv_layer);
}

}  // namespace sg::cuda
