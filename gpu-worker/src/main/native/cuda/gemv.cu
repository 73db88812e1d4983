// Small-batch matmul for decode steps: y[t, n] (+)= dot(x[t, :], w[n, :]) for up to kGemvMaxRows token rows.
// One warp per output feature streams that weight row once with 16-byte loads (four in flight per lane) and
// applies it to every token row held in registers; a warp reduction finishes each dot. At these batch sizes a
// decode step is bound by reading the weights, and this reads each weight byte exactly once. Launched
// programmatically, a block prefetches its weight rows into L2 while the kernel before it still runs. The gate/up
// and q/k/v projections use a variant whose blocks hold whole row pairs and finish the job (SwiGLU; bias, rotary
// embedding and the KV store) before anything leaves them.
#include <type_traits>

#include "cuda_check.h"
#include "device_utils.cuh"
#include "kernels.cuh"
#include "launch.cuh"
#include "qkv_rope.cuh"

namespace sg::cuda {
namespace {

constexpr int kWarps = 8;
constexpr int kUnroll = 4;

__device__ __forceinline__ float dot8(const uint4 &w, const uint4 &x) {
    float2 a = bf16x2_to_float2(w.x), b = bf16x2_to_float2(x.x);
    float sum = a.x * b.x + a.y * b.y;
    a = bf16x2_to_float2(w.y), b = bf16x2_to_float2(x.y);
    sum += a.x * b.x + a.y * b.y;
    a = bf16x2_to_float2(w.z), b = bf16x2_to_float2(x.z);
    sum += a.x * b.x + a.y * b.y;
    a = bf16x2_to_float2(w.w), b = bf16x2_to_float2(x.w);
    return sum + a.x * b.x + a.y * b.y;
}

// The weights are constant, so a warp may ask for its row before the previous kernel has finished (a programmatic
// launch starts this block early): the loads after pdl_enter() then find it in L2, or on its way.
__device__ __forceinline__ void prefetch_row(const uint4 *w_row, int chunks, int lane) {
    for (int line = lane * 8; line < chunks; line += 32 * 8) prefetch_l2(w_row + line);
}

// acc[t] = dot(w_row, x[t, :]) in every lane of the warp.
template <int Rows>
__device__ __forceinline__ void row_dots(const uint4 *w_row, const uint16_t *x, int chunks, int lane, float (&acc)[Rows]) {
    const uint4 *x_rows = reinterpret_cast<const uint4 *>(x);
    // One or two token rows leave registers for eight loads in flight per lane: a k = 2048 row is then one round trip.
    constexpr int unroll = Rows <= 2 ? 2 * kUnroll : kUnroll;
#pragma unroll
    for (int t = 0; t < Rows; ++t) acc[t] = 0.0f;
    int c = lane;
    for (; c + (unroll - 1) * 32 < chunks; c += unroll * 32) {
        uint4 wv[unroll];
#pragma unroll
        for (int u = 0; u < unroll; ++u) wv[u] = __ldg(w_row + c + u * 32);
#pragma unroll
        for (int u = 0; u < unroll; ++u)
#pragma unroll
            for (int t = 0; t < Rows; ++t)
                acc[t] += dot8(wv[u], __ldg(x_rows + static_cast<size_t>(t) * chunks + c + u * 32));
    }
    for (; c < chunks; c += 32) {
        const uint4 wv = __ldg(w_row + c);
#pragma unroll
        for (int t = 0; t < Rows; ++t) acc[t] += dot8(wv, __ldg(x_rows + static_cast<size_t>(t) * chunks + c));
    }
#pragma unroll
    for (int t = 0; t < Rows; ++t) acc[t] = warp_sum(acc[t]);
}

template <int Rows>
__global__ void __launch_bounds__(kWarps * 32) gemv_kernel(const uint16_t *w, const uint16_t *x, float *y, int n, int k,
                                                           int accumulate) {
    const int lane = threadIdx.x & 31;
    const int feature = blockIdx.x * kWarps + (threadIdx.x >> 5);
    const int chunks = k / 8;  // 16-byte chunks per row
    const uint4 *w_row = reinterpret_cast<const uint4 *>(w + static_cast<size_t>(feature) * k);
    if (feature < n) prefetch_row(w_row, chunks, lane);
    pdl_enter();
    if (feature >= n) return;
    float acc[Rows];
    row_dots<Rows>(w_row, x, chunks, lane, acc);
    if (lane == 0) {
#pragma unroll
        for (int t = 0; t < Rows; ++t) {
            float *out = y + static_cast<size_t>(t) * n + feature;
            *out = accumulate ? *out + acc[t] : acc[t];
        }
    }
}

// Matrices whose rows come in pairs that one output needs together (gate_i/up_i; a rotary pair of q or k): the
// block's warps hold kWarps / 2 whole pairs (a pair starts at an even row), their dots meet in shared memory, and
// `epilogue(t, f, a, b)` consumes rows f and f + 1 of token row t there.
template <int Rows, class Epilogue>
__global__ void __launch_bounds__(kWarps * 32) gemv_pairs_kernel(const uint16_t *w, const uint16_t *x, int n, int k,
                                                                 Epilogue epilogue) {
    __shared__ float dots[kWarps][Rows];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int feature = blockIdx.x * kWarps + warp;
    const int chunks = k / 8;
    const uint4 *w_row = reinterpret_cast<const uint4 *>(w + static_cast<size_t>(feature) * k);
    if (feature < n) prefetch_row(w_row, chunks, lane);
    pdl_enter();
    float acc[Rows];
    if (feature < n) {
        row_dots<Rows>(w_row, x, chunks, lane, acc);
    } else {
#pragma unroll
        for (int t = 0; t < Rows; ++t) acc[t] = 0.0f;
    }
    if (lane == 0)
#pragma unroll
        for (int t = 0; t < Rows; ++t) dots[warp][t] = acc[t];
    __syncthreads();
    for (int idx = threadIdx.x; idx < (kWarps / 2) * Rows; idx += blockDim.x) {
        const int pair = idx / Rows, t = idx % Rows, f = blockIdx.x * kWarps + 2 * pair;
        if (f < n) epilogue(t, f, dots[2 * pair][t], dots[2 * pair + 1][t]);
    }
}

// SwiGLU of gate_i (row 2i) and up_i (row 2i + 1), each first rounded to bf16 as the cuBLAS path stores them.
struct SwigluEpilogue {
    uint16_t *out;
    int inter;
    __device__ void operator()(int t, int f, float gate, float up) const {
        const float g = bf16_bits_to_float(float_to_bf16_bits(gate)), u = bf16_bits_to_float(float_to_bf16_bits(up));
        out[static_cast<size_t>(t) * inter + f / 2] = float_to_bf16_bits(silu_times(g, u));
    }
};

struct QkvRopeEpilogue {
    QkvRope rope;
    __device__ void operator()(int t, int f, float a, float b) const { store_qkv_pair(rope, t, f, a, b); }
};

// Calls launch(std::integral_constant<int, rows>) for 1..kGemvMaxRows rows, so each row count gets its kernel
// instantiation; nothing for 0 rows.
template <class Launch>
void with_rows(int rows, Launch &&launch) {
    switch (rows) {
        case 1: return launch(std::integral_constant<int, 1>());
        case 2: return launch(std::integral_constant<int, 2>());
        case 3: return launch(std::integral_constant<int, 3>());
        case 4: return launch(std::integral_constant<int, 4>());
        case 5: return launch(std::integral_constant<int, 5>());
        case 6: return launch(std::integral_constant<int, 6>());
        case 7: return launch(std::integral_constant<int, 7>());
        case 8: return launch(std::integral_constant<int, 8>());
        default: return;
    }
}

template <class Epilogue>
void launch_pairs(const uint16_t *w, const uint16_t *x, int rows, int n, int k, const Epilogue &epilogue, KernelStream stream) {
    with_rows(rows, [&](auto r) {
        launch("gemv_pairs_kernel", gemv_pairs_kernel<decltype(r)::value, Epilogue>, (n + kWarps - 1) / kWarps, kWarps * 32, 0,
               stream, w, x, n, k, epilogue);
    });
}

void check_operands(const bf16_bits *w, const bf16_bits *x, int rows, int k) {
    if (k % 8 != 0 || reinterpret_cast<uintptr_t>(w) % 16 != 0 || reinterpret_cast<uintptr_t>(x) % 16 != 0)
        fail(SG_ERR_INTERNAL, "gemv needs k %% 8 == 0 and 16-byte aligned operands (k = %d)", k);
    if (rows < 0 || rows > kGemvMaxRows) fail(SG_ERR_INTERNAL, "gemv takes at most %d rows, got %d", kGemvMaxRows, rows);
}

}  // namespace

void gemv(const bf16_bits *w, const bf16_bits *x, float *y, int rows, int n, int k, bool accumulate, KernelStream stream) {
    check_operands(w, x, rows, k);
    with_rows(rows, [&](auto r) {
        launch("gemv_kernel", gemv_kernel<decltype(r)::value>, (n + kWarps - 1) / kWarps, kWarps * 32, 0, stream, w, x, y, n, k,
               accumulate ? 1 : 0);
    });
}

void gemv_swiglu(const bf16_bits *w, const bf16_bits *x, bf16_bits *out, int rows, int inter, int k, KernelStream stream) {
    check_operands(w, x, rows, k);
    launch_pairs(w, x, rows, 2 * inter, k, SwigluEpilogue{out, inter}, stream);
}

void gemv_qkv_rope(const bf16_bits *w, const bf16_bits *x, int rows, int k, const QkvRope &rope, KernelStream stream) {
    check_operands(w, x, rows, k);
    if (rope.head_dim % 2 != 0) fail(SG_ERR_INTERNAL, "gemv_qkv_rope needs an even head_dim, got %d", rope.head_dim);
    launch_pairs(w, x, rows, (rope.heads + 2 * rope.kv_heads) * rope.head_dim, k, QkvRopeEpilogue{rope}, stream);
}

}  // namespace sg::cuda
