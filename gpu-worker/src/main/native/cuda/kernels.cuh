// Launchers of the CUDA backend's own kernels (one .cu per family). Each takes its stream, enqueues work
// through launch.cuh (which checks the launch); none synchronises, so all of them can be captured in a graph.
// bf16 values cross these signatures as raw bits (uint16_t) so that host-only code can include this header.
//
// Layouts (row-major): activations [rows, width]; weights [out_features, in_features] as in the checkpoint;
// the KV pool [layer][block][K, V][kv_head][block_size][head_dim] in bf16, one extra padding block at the end.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

namespace sg::cuda {

using bf16_bits = uint16_t;

// Where a launcher enqueues its kernels: the stream, and whether they are launched programmatically (launch.cuh),
// so that each may start while the kernel before it finishes. A bare stream converts to plain launches.
struct KernelStream {
    cudaStream_t stream;
    bool programmatic;
    constexpr KernelStream(cudaStream_t s = nullptr, bool p = false) : stream(s), programmatic(p) {}
};

// x[r, :] = float(table[tokens[r], :]).
void embed_rows(const bf16_bits *table, const int32_t *tokens, int rows, int hidden, float *x, KernelStream stream);

// out[r, :] = bf16(weight * x[src, :] / rms(x[src, :])) with src = row_index ? row_index[r] : r.
void rms_norm(const float *x, const int32_t *row_index, int rows, int hidden, const float *weight, float eps,
              bf16_bits *out, KernelStream stream);

// What follows the fused q/k/v projection, for both ways of computing it. Its columns are [q heads | k heads |
// v heads] with each q and k head's rotary pairs interleaved (column 2i of a head is the checkpoint's i, column
// 2i + 1 its i + head_dim / 2; device_weights.h), so that a pair is two adjacent columns. The bias (when not
// null) is in the same order. q and k are rotated by the tables (cos/sin [positions, head_dim / 2], "rotate_half"
// pairs at position positions[r]); q goes to q_out [rows, heads * head_dim] in the checkpoint's order, k and v as
// bf16 into the pool slot slots[r] (block * block_size + offset) of this layer.
struct QkvRope {
    const float *bias;
    const int32_t *positions, *slots;
    const float *cos_table, *sin_table;
    int heads, kv_heads, head_dim, block_size;
    float *q_out;
    bf16_bits *kv_layer;
};

// From the projection's float32 result qkv [rows, (heads + 2 kv_heads) * head_dim] (steps of more than
// kGemvMaxRows rows, through cuBLAS).
void qkv_rope_store(const float *qkv, int rows, const QkvRope &rope, KernelStream stream);

// Causal attention of each row over positions 0..positions[r] of its sequence (row_entry[r] picks the block
// table, `table_stride` slots per entry) in this layer's pool; query heads of a GQA group share one pass over
// each key. `split.splits` partitions of `partition` tokens per row run in parallel and are merged when > 1
// by the last of them to finish (partials: attention_partial_floats of scratch; tickets: rows * kv_heads
// counters, zero on entry and zero again on exit). Writes out [rows, heads * head_dim] in bf16.
struct AttentionShape {
    int rows, heads, kv_heads, head_dim, block_size, table_stride, splits, partition;
};
void attention(const AttentionShape &shape, const float *q, const bf16_bits *kv_layer, const int32_t *positions,
               const int32_t *row_entry, const int32_t *block_tables, float *partials, int32_t *tickets, bf16_bits *out,
               KernelStream stream);
size_t attention_partial_floats(int rows, int heads, int head_dim, int splits);
// Dynamic shared memory one attention block needs; prepare_attention raises the kernel's limit when needed and
// fails (SG_ERR_UNSUPPORTED) when the device cannot give that much.
size_t attention_shared_bytes(int heads, int kv_heads, int head_dim);
void prepare_attention(int heads, int kv_heads, int head_dim);

// out[r, i] = bf16(silu(gate_up[r, 2i]) * gate_up[r, 2i + 1]) from the gate/up projection's bf16 output: its rows
// are interleaved (device_weights.h), so each pair is adjacent.
void swiglu(const bf16_bits *gate_up, int rows, int inter, bf16_bits *out, KernelStream stream);

// y[r, :] += bias.
void add_bias(float *y, const float *bias, int rows, int n, KernelStream stream);

// y[r, n] (+)= dot(x[r, :], w[n, :]) for rows <= kGemvMaxRows: the small-batch (decode) matmul that streams
// the weights once at close to memory bandwidth. Needs k % 8 == 0 and 16-byte aligned rows.
constexpr int kGemvMaxRows = 8;
void gemv(const bf16_bits *w, const bf16_bits *x, float *y, int rows, int n, int k, bool accumulate, KernelStream stream);
// The gemv over the interleaved gate/up matrix w [2 inter, k] with SwiGLU as its epilogue: out[r, i] is exactly
// what the projection rounded to bf16 and then swiglu would give, without the round trip and the extra kernel.
void gemv_swiglu(const bf16_bits *w, const bf16_bits *x, bf16_bits *out, int rows, int inter, int k, KernelStream stream);
// The gemv over the fused q/k/v matrix w [(heads + 2 kv_heads) * head_dim, k] with qkv_rope_store as its epilogue:
// the same q, k and v, bit for bit, without the float32 round trip and the extra kernel.
void gemv_qkv_rope(const bf16_bits *w, const bf16_bits *x, int rows, int k, const QkvRope &rope, KernelStream stream);

// One sampling entry, as the device sampler reads it. Semantics are engine/sampler.cpp's.
struct SampleRequest {
    float temperature;
    int32_t top_k;
    float top_p;
    float min_p;
    float repetition_penalty;
    float presence_penalty;
    float frequency_penalty;
    int32_t logprobs;
    uint64_t seed;
    int64_t position;        // of the token being sampled
    int32_t logit_row;       // row of `logits`
    int32_t history_offset;  // into the history array
    int32_t history_length;  // 0 when no penalty applies
    int32_t reserved;
};
static_assert(sizeof(SampleRequest) == 64, "SampleRequest layout");

// Samples `n` entries (one block each). `work` is n * vocab floats and `counts` n * vocab int32 of scratch; counts
// must be zero on entry and are zero again on exit. Writes tokens[n], logprobs[n] and max_logprobs slots of
// top_tokens / top_logprobs per entry.
void sample(const float *logits, int vocab, const SampleRequest *requests, int n, const int32_t *history, float *work,
            int32_t *counts, int max_logprobs, int32_t *tokens, float *logprobs, int32_t *top_tokens,
            float *top_logprobs, KernelStream stream);

}  // namespace sg::cuda
