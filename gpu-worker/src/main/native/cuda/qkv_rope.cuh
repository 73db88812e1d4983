// The store that follows the q/k/v projection (kernels.cuh, QkvRope), one rotary pair at a time: shared by the
// qkv_rope_store kernel and the fused gemv's epilogue, so the two give the same bits.
#pragma once

#include "device_utils.cuh"
#include "kernels.cuh"

namespace sg::cuda {

// Columns f and f + 1 (f even) of row r of the projection, with values a and b before the bias.
__device__ __forceinline__ void store_qkv_pair(const QkvRope &rope, int r, int f, float a, float b) {
    const int hd = rope.head_dim, half = hd / 2, q_dim = rope.heads * hd, k_end = q_dim + rope.kv_heads * hd;
    if (rope.bias != nullptr) {
        a += rope.bias[f];
        b += rope.bias[f + 1];
    }
    const int slot = rope.slots[r], block = slot / rope.block_size, offset = slot % rope.block_size;
    const size_t tile = static_cast<size_t>(rope.block_size) * hd;
    if (f < k_end) {  // a rotary pair of a q or k head: the checkpoint's dims i and i + half
        const int head = f / hd, i = (f % hd) / 2;
        const size_t at = static_cast<size_t>(rope.positions[r]) * half + i;
        const float c = rope.cos_table[at], s = rope.sin_table[at];
        const float x = a * c - b * s, y = b * c + a * s;
        if (head < rope.heads) {
            float *q = rope.q_out + static_cast<size_t>(r) * q_dim + static_cast<size_t>(head) * hd;
            q[i] = x;
            q[i + half] = y;
        } else {
            uint16_t *k = rope.kv_layer + ((static_cast<size_t>(block) * 2 + 0) * rope.kv_heads + (head - rope.heads)) * tile +
                          static_cast<size_t>(offset) * hd;
            k[i] = float_to_bf16_bits(x);
            k[i + half] = float_to_bf16_bits(y);
        }
    } else {  // two adjacent dims of a v head
        const int v_col = f - k_end, g = v_col / hd, d = v_col % hd;
        uint16_t *v = rope.kv_layer + ((static_cast<size_t>(block) * 2 + 1) * rope.kv_heads + g) * tile +
                      static_cast<size_t>(offset) * hd;
        v[d] = float_to_bf16_bits(a);
        v[d + 1] = float_to_bf16_bits(b);
    }
}

}  // namespace sg::cuda
