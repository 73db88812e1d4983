// Paged attention for every row of a step, decode tokens and prefill chunks alike: row r (at position p of
// its sequence) attends causally to positions 0..p, read through its sequence's block table. One block per
// (row, KV head, split): the query heads of the GQA group that share the KV head go together, so each key
// and value row is read once per group. A split covers `partition` positions in tiles of kAttentionTile keys
// with an online softmax; when a row's context spans several splits their partial results (normalised output,
// max and sum per head) are merged ("flash decoding"), so long contexts use the whole GPU even at batch size 1.
// The merge needs no second kernel: each split's block publishes its partial, takes a ticket from a counter per
// (row, KV head), and the block that takes the last ticket merges them all and puts the counter back to zero.
// At batch 1 that is one launch fewer per layer on the path between the q/k/v and the o projections.
#include <cmath>

#include "../engine/device_batch.h"
#include "cuda_check.h"
#include "device_utils.cuh"
#include "kernels.cuh"
#include "launch.cuh"

namespace sg::cuda {
namespace {

constexpr int kThreads = 128;
constexpr int kTile = kAttentionTile;
constexpr int kKeyChunks = 8;     // 16-byte chunks of a key row loaded together (all of a 64-dim head)
constexpr int kHeadsPerPass = 8;  // query heads whose value sums one thread keeps in registers

struct SharedLayout {
    size_t row_offsets, q, acc, scores, m, l, scale, parts, bytes;
};

__host__ __device__ inline SharedLayout shared_layout(int group, int head_dim) {
    SharedLayout s;
    s.row_offsets = 0;                                    // int64 [kTile]: element offset of each key row in the pool
    s.q = s.row_offsets + sizeof(long long) * kTile;      // float [group][head_dim], pre-scaled
    s.acc = s.q + sizeof(float) * group * head_dim;       // float [group][head_dim]
    s.scores = s.acc + sizeof(float) * group * head_dim;  // float [group][kTile]
    s.m = s.scores + sizeof(float) * group * kTile;
    s.l = s.m + sizeof(float) * group;
    s.scale = s.l + sizeof(float) * group;
    // float [slices][kHeadsPerPass][head_dim]: the value pass's partial sums; slices * head_dim <= max(2 kThreads, head_dim)
    s.parts = s.scale + sizeof(float) * group;
    const int span = 2 * kThreads > head_dim ? 2 * kThreads : head_dim;
    s.bytes = s.parts + sizeof(float) * kHeadsPerPass * span;
    return s;
}

// Output dimension d of (row r, head) from the first `used` splits' partials: weights exp(m_i - M) * l_i over the
// normalised partial outputs. The loads go to L2 (__ldcg): other blocks wrote them, and L1 is not coherent.
__device__ float merge_splits(const AttentionShape &s, int r, int head, int d, int used, const float *partials) {
    const size_t base = (static_cast<size_t>(r) * s.heads + head) * s.splits;
    const float *o = partials + base * s.head_dim;
    const float *ml = partials + static_cast<size_t>(s.rows) * s.heads * s.splits * s.head_dim + base * 2;
    float m = -INFINITY;
    for (int i = 0; i < used; ++i) m = fmaxf(m, __ldcg(ml + 2 * i));
    float numerator = 0.0f, denominator = 0.0f;
    for (int i = 0; i < used; ++i) {
        const float weight = expf(__ldcg(ml + 2 * i) - m) * __ldcg(ml + 2 * i + 1);
        denominator += weight;
        numerator += weight * __ldcg(o + static_cast<size_t>(i) * s.head_dim + d);
    }
    return numerator / denominator;
}

__global__ void __launch_bounds__(kThreads) attention_kernel(AttentionShape s, float softmax_scale, const float *q,
                                                             const uint16_t *kv, const int32_t *positions,
                                                             const int32_t *row_entry, const int32_t *tables,
                                                             float *partials, int32_t *tickets, uint16_t *out) {
    pdl_enter();
    const int r = blockIdx.x, g = blockIdx.y, split = blockIdx.z;
    const int ctx = positions[r] + 1;
    const int begin = split * s.partition;
    if (begin >= ctx) return;  // the same for every thread of the block
    const int end = min(ctx, begin + s.partition);
    const int group = s.heads / s.kv_heads, hd = s.head_dim, tid = threadIdx.x;
    const int lane = tid & 31, warp = tid >> 5, warps = blockDim.x >> 5;

    extern __shared__ __align__(16) unsigned char smem[];
    const SharedLayout L = shared_layout(group, hd);
    long long *row_off = reinterpret_cast<long long *>(smem + L.row_offsets);
    float *q_s = reinterpret_cast<float *>(smem + L.q);
    float *acc_s = reinterpret_cast<float *>(smem + L.acc);
    float *p_s = reinterpret_cast<float *>(smem + L.scores);
    float *m_s = reinterpret_cast<float *>(smem + L.m);
    float *l_s = reinterpret_cast<float *>(smem + L.l);
    float *scale_s = reinterpret_cast<float *>(smem + L.scale);
    float *part_s = reinterpret_cast<float *>(smem + L.parts);

    const float *q_row = q + static_cast<size_t>(r) * s.heads * hd + static_cast<size_t>(g) * group * hd;
    for (int i = tid; i < group * hd; i += blockDim.x) {
        q_s[i] = q_row[i] * softmax_scale;
        acc_s[i] = 0.0f;
    }
    for (int h = tid; h < group; h += blockDim.x) {
        m_s[h] = -INFINITY;
        l_s[h] = 0.0f;
    }
    const int32_t *table = tables + static_cast<size_t>(row_entry[r]) * s.table_stride;
    const long long tile_elems = static_cast<long long>(s.block_size) * hd;
    const long long value_shift = static_cast<long long>(s.kv_heads) * tile_elems;  // V tile follows the K tiles
    const int chunks = hd / 8, half = hd / 2;

    for (int t0 = begin; t0 < end; t0 += kTile) {
        const int n = min(kTile, end - t0);
        __syncthreads();  // the previous tile's readers of row_off and p_s are done
        for (int j = tid; j < n; j += blockDim.x) {
            const int p = t0 + j;
            const long long block = table[p / s.block_size];
            row_off[j] = (block * 2 * s.kv_heads + g) * tile_elems + static_cast<long long>(p % s.block_size) * hd;
        }
        __syncthreads();
        // Scores. Each key row is loaded once, 8 x 16 bytes in flight, and dotted with the query heads of the group
        // (q from shared memory: threads of a warp read the same head, a broadcast). When the tile has fewer keys
        // than threads, `parts` threads share a key, each taking every parts-th head.
        const int parts = max(1, min(group, static_cast<int>(blockDim.x) / n));
        for (int idx = tid; idx < n * parts; idx += blockDim.x) {
            const int j = idx % n, part = idx / n;
            const uint4 *key = reinterpret_cast<const uint4 *>(kv + row_off[j]);
            for (int c0 = 0; c0 < chunks; c0 += kKeyChunks) {
                const int m = min(kKeyChunks, chunks - c0);
                uint4 k8[kKeyChunks];
#pragma unroll
                for (int u = 0; u < kKeyChunks; ++u)
                    if (u < m) k8[u] = __ldg(key + c0 + u);
                for (int h = part; h < group; h += parts) {
                    const float4 *qh = reinterpret_cast<const float4 *>(q_s + h * hd) + 2 * c0;
                    float dot = 0.0f;
#pragma unroll
                    for (int u = 0; u < kKeyChunks; ++u) {
                        if (u >= m) break;
                        const float4 qa = qh[2 * u], qb = qh[2 * u + 1];
                        const float2 k0 = bf16x2_to_float2(k8[u].x), k1 = bf16x2_to_float2(k8[u].y);
                        const float2 k2 = bf16x2_to_float2(k8[u].z), k3 = bf16x2_to_float2(k8[u].w);
                        dot += qa.x * k0.x + qa.y * k0.y + qa.z * k1.x + qa.w * k1.y;
                        dot += qb.x * k2.x + qb.y * k2.y + qb.z * k3.x + qb.w * k3.y;
                    }
                    float &score = p_s[h * kTile + j];
                    score = c0 == 0 ? dot : score + dot;
                }
            }
        }
        __syncthreads();
        for (int h = warp; h < group; h += warps) {
            float *ph = p_s + h * kTile;
            float tile_max = -INFINITY;
            for (int j = lane; j < n; j += 32) tile_max = fmaxf(tile_max, ph[j]);
            tile_max = warp_max(tile_max);
            const float m_old = m_s[h], m_new = fmaxf(m_old, tile_max);
            float sum = 0.0f;
            for (int j = lane; j < n; j += 32) {
                const float e = expf(ph[j] - m_new);
                ph[j] = e;
                sum += e;
            }
            sum = warp_sum(sum);
            if (lane == 0) {
                const float alpha = m_old == -INFINITY ? 0.0f : expf(m_old - m_new);
                l_s[h] = l_s[h] * alpha + sum;
                m_s[h] = m_new;
                scale_s[h] = alpha;
            }
        }
        __syncthreads();
        // Values. Each thread owns a pair of dims for up to kHeadsPerPass heads at once, so a value row is loaded
        // once per pass rather than once per head, and `slices` threads split the tile's keys between them (their
        // loads independent, many in flight); the slices' partial sums meet in shared memory.
        const int slices = max(1, static_cast<int>(blockDim.x) / half);
        for (int h0 = 0; h0 < group; h0 += kHeadsPerPass) {
            const int hn = min(kHeadsPerPass, group - h0);
            for (int idx = tid; idx < half * slices; idx += blockDim.x) {
                const int d2 = idx % half, slice = idx / half;
                float a[kHeadsPerPass][2];
#pragma unroll
                for (int u = 0; u < kHeadsPerPass; ++u) a[u][0] = a[u][1] = 0.0f;
                const uint16_t *values = kv + value_shift + 2 * d2;
                for (int j = slice; j < n; j += slices) {
                    const float2 v = bf16x2_to_float2(__ldg(reinterpret_cast<const uint32_t *>(values + row_off[j])));
#pragma unroll
                    for (int u = 0; u < kHeadsPerPass; ++u) {
                        if (u < hn) {
                            const float p = p_s[(h0 + u) * kTile + j];
                            a[u][0] += p * v.x;
                            a[u][1] += p * v.y;
                        }
                    }
                }
#pragma unroll
                for (int u = 0; u < kHeadsPerPass; ++u) {
                    if (u < hn) {
                        float *part = part_s + (static_cast<size_t>(slice) * kHeadsPerPass + u) * hd + 2 * d2;
                        part[0] = a[u][0];
                        part[1] = a[u][1];
                    }
                }
            }
            __syncthreads();
            for (int idx = tid; idx < hn * hd; idx += blockDim.x) {
                const int u = idx / hd, d = idx - u * hd, h = h0 + u;
                float sum = 0.0f;
                for (int slice = 0; slice < slices; ++slice) sum += part_s[(static_cast<size_t>(slice) * kHeadsPerPass + u) * hd + d];
                acc_s[h * hd + d] = acc_s[h * hd + d] * scale_s[h] + sum;
            }
            __syncthreads();  // part_s is written again by the next pass
        }
    }
    __syncthreads();
    const int head0 = g * group;
    if (gridDim.z == 1) {
        for (int idx = tid; idx < group * hd; idx += blockDim.x) {
            const int h = idx / hd, d = idx - h * hd;
            out[static_cast<size_t>(r) * s.heads * hd + static_cast<size_t>(head0 + h) * hd + d] =
                float_to_bf16_bits(acc_s[idx] / l_s[h]);
        }
    } else {
        float *ml = partials + static_cast<size_t>(s.rows) * s.heads * s.splits * hd;
        for (int idx = tid; idx < group * hd; idx += blockDim.x) {
            const int h = idx / hd, d = idx - h * hd;
            const size_t at = (static_cast<size_t>(r) * s.heads + head0 + h) * s.splits + split;
            partials[at * hd + d] = acc_s[idx] / l_s[h];
        }
        for (int h = tid; h < group; h += blockDim.x) {
            const size_t at = (static_cast<size_t>(r) * s.heads + head0 + h) * s.splits + split;
            ml[at * 2] = m_s[h];
            ml[at * 2 + 1] = l_s[h];
        }
        // Publish this split (every thread fences its own writes, and the barrier waits for all of them), then take
        // a ticket; the block that takes the last one fences again and reads every split's writes from L2.
        __threadfence();
        __syncthreads();
        const int used = min(s.splits, (ctx + s.partition - 1) / s.partition);
        int32_t *ticket = tickets + static_cast<size_t>(r) * s.kv_heads + g;
        const int last = __syncthreads_or(tid == 0 && atomicAdd(ticket, 1) == used - 1);
        if (!last) return;  // the same for every thread of the block
        __threadfence();
        for (int idx = tid; idx < group * hd; idx += blockDim.x) {
            const int h = idx / hd, d = idx - h * hd;
            out[static_cast<size_t>(r) * s.heads * hd + static_cast<size_t>(head0 + h) * hd + d] =
                float_to_bf16_bits(merge_splits(s, r, head0 + h, d, used, partials));
        }
        if (tid == 0) *ticket = 0;  // ready for the next layer and step
    }
}

}  // namespace

size_t attention_partial_floats(int rows, int heads, int head_dim, int splits) {
    return static_cast<size_t>(rows) * heads * splits * (static_cast<size_t>(head_dim) + 2);
}

size_t attention_shared_bytes(int heads, int kv_heads, int head_dim) {
    return shared_layout(heads / kv_heads, head_dim).bytes;
}

void prepare_attention(int heads, int kv_heads, int head_dim) {
    if (head_dim % 8 != 0 || head_dim > 1024)
        fail(SG_ERR_UNSUPPORTED, "CUDA backend: head_dim must be a multiple of 8 up to 1024, got %d", head_dim);
    const size_t bytes = attention_shared_bytes(heads, kv_heads, head_dim);
    int device = 0, limit = 0;
    SG_CUDA_CHECK(cudaGetDevice(&device));
    SG_CUDA_CHECK(cudaDeviceGetAttribute(&limit, cudaDevAttrMaxSharedMemoryPerBlockOptin, device));
    if (bytes > static_cast<size_t>(limit))
        fail(SG_ERR_UNSUPPORTED, "CUDA backend: attention for %d query heads per KV head of %d dims needs %zu bytes of "
             "shared memory, the device allows %d", heads / kv_heads, head_dim, bytes, limit);
    SG_CUDA_CHECK(cudaFuncSetAttribute(attention_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes)));
}

void attention(const AttentionShape &s, const float *q, const bf16_bits *kv_layer, const int32_t *positions,
               const int32_t *row_entry, const int32_t *block_tables, float *partials, int32_t *tickets, bf16_bits *out,
               KernelStream stream) {
    if (s.rows <= 0) return;
    if (s.splits < 1 || s.partition < kTile || s.partition % kTile != 0)
        fail(SG_ERR_INTERNAL, "attention: bad split (%d partitions of %d)", s.splits, s.partition);
    const size_t bytes = attention_shared_bytes(s.heads, s.kv_heads, s.head_dim);
    const float scale = 1.0f / std::sqrt(static_cast<float>(s.head_dim));
    const dim3 grid(s.rows, s.kv_heads, s.splits);
    launch("attention_kernel", attention_kernel, grid, kThreads, bytes, stream, s, scale, q, kv_layer, positions, row_entry,
           block_tables, partials, tickets, out);
}

}  // namespace sg::cuda
