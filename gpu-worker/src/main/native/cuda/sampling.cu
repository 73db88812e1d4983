// Sampling on the device, one block per sampling entry, reproducing engine/sampler.cpp: penalties over the
// history, then greedy (argmax, lowest id on ties) or temperature with top-k, top-p and min-p, and one draw
// from uniform_draw(seed, position). Candidates are ordered as the host orders them (larger logit first,
// lower id on ties); instead of sorting the vocabulary, each "first candidate where the running total
// crosses X" question (the k-th candidate, the top-p cut, the drawn token) is answered by a radix select
// over a 32-bit rank key, four 8-bit digits most significant first, accumulating counts or probability mass
// per digit, then a scan in id order among exact ties. Sums are in double, like the host's.
#include <climits>
#include <cmath>

#include "../engine/sample_uniform.h"
#include "cuda_check.h"
#include "device_utils.cuh"
#include "kernels.cuh"
#include "launch.cuh"

namespace sg::cuda {
namespace {

constexpr int kThreads = 512;
constexpr int kWarps = kThreads / 32;

struct Shared {
    double hist[kWarps][256];  // one histogram per warp: 32 threads, not 512, contend for a bin's atomic add
    double dscratch[32];
    unsigned long long uscratch[32];
    double before;
    int digit;
    int found;
};

// Ascending in the host's candidate order: larger values first.
__device__ __forceinline__ uint32_t rank_key(float f) {
    const uint32_t bits = __float_as_uint(f);
    const uint32_t ascending = (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
    return ~ascending;
}

__device__ __forceinline__ unsigned long long packed(uint32_t key, int id) {
    return (static_cast<unsigned long long>(key) << 32) | static_cast<uint32_t>(id);
}

__device__ double block_sum(double v, Shared &sh) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    __syncthreads();
    if (lane == 0) sh.dscratch[warp] = v;
    __syncthreads();
    v = lane < kWarps ? sh.dscratch[lane] : 0.0;
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

template <bool Max>
__device__ unsigned long long block_extreme(unsigned long long v, Shared &sh) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        const unsigned long long other = __shfl_xor_sync(0xffffffffu, v, o);
        v = Max ? (other > v ? other : v) : (other < v ? other : v);
    }
    __syncthreads();
    if (lane == 0) sh.uscratch[warp] = v;
    __syncthreads();
    v = lane < kWarps ? sh.uscratch[lane] : (Max ? 0ull : ~0ull);
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        const unsigned long long other = __shfl_xor_sync(0xffffffffu, v, o);
        v = Max ? (other > v ? other : v) : (other < v ? other : v);
    }
    return v;
}

// Exclusive prefix sum over the block in thread order.
__device__ double block_exclusive_scan(double v, Shared &sh) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    double inclusive = v;
#pragma unroll
    for (int o = 1; o < 32; o <<= 1) {
        const double up = __shfl_up_sync(0xffffffffu, inclusive, o);
        if (lane >= o) inclusive += up;
    }
    double exclusive = __shfl_up_sync(0xffffffffu, inclusive, 1);
    if (lane == 0) exclusive = 0.0;
    __syncthreads();
    if (lane == 31) sh.dscratch[warp] = inclusive;
    __syncthreads();
    if (warp == 0) {
        double running = lane < kWarps ? sh.dscratch[lane] : 0.0;
#pragma unroll
        for (int o = 1; o < 32; o <<= 1) {
            const double up = __shfl_up_sync(0xffffffffu, running, o);
            if (lane >= o) running += up;
        }
        double before_warp = __shfl_up_sync(0xffffffffu, running, 1);
        if (lane == 0) before_warp = 0.0;
        __syncwarp();
        if (lane < kWarps) sh.dscratch[lane] = before_warp;
    }
    __syncthreads();
    return sh.dscratch[warp] + exclusive;
}

// The candidate set so far: ranks up to (cut_key, cut_id) in candidate order.
struct Cut {
    uint32_t key;
    int id;
    __device__ bool holds(uint32_t k, int i) const { return k < key || (k == key && i <= id); }
};

// The first element, in candidate order, at which the running total of quantity(i, key) reaches `target`
// (>= target, or > target when Strict). Elements with quantity 0 are never chosen. False when the total never
// gets there (rounding); the same answer in every thread.
template <bool Strict, class Quantity>
__device__ bool radix_select(const float *w, int begin, int end, Quantity quantity, double target, Shared &sh,
                             Cut *out) {
    uint32_t prefix = 0, mask = 0;
    double before = 0.0;
    double *mine_hist = sh.hist[threadIdx.x >> 5];
    for (int shift = 24; shift >= 0; shift -= 8) {
        for (int b = threadIdx.x; b < kWarps * 256; b += blockDim.x) (&sh.hist[0][0])[b] = 0.0;
        __syncthreads();
        // Logits of one step share few top digits, so a single histogram would serialise the whole block on a
        // handful of bins (shared double adds are compare-and-swap loops); per-warp ones are summed after.
        for (int i = begin; i < end; ++i) {
            const uint32_t k = rank_key(w[i]);
            if ((k & mask) != prefix) continue;
            const double q = quantity(i, k);
            if (q > 0.0) atomicAdd(&mine_hist[(k >> shift) & 255u], q);
        }
        __syncthreads();
        for (int b = threadIdx.x; b < 256; b += blockDim.x) {
            double total = 0.0;
            for (int v = 0; v < kWarps; ++v) total += sh.hist[v][b];
            sh.hist[0][b] = total;
        }
        __syncthreads();
        if (threadIdx.x == 0) {
            int digit = -1;
            double running = before;
            for (int d = 0; d < 256; ++d) {
                const double h = sh.hist[0][d];
                if (!(h > 0.0)) continue;
                const double next = running + h;
                if (Strict ? next > target : next >= target) {
                    digit = d;
                    break;
                }
                running = next;
            }
            sh.digit = digit;
            sh.before = running;
        }
        __syncthreads();
        const int digit = sh.digit;
        before = sh.before;
        __syncthreads();  // everyone has read digit/before before they are written again
        if (digit < 0) return false;
        prefix |= static_cast<uint32_t>(digit) << shift;
        mask |= 0xffu << shift;
    }
    // Exact ties of the rank key: in id order, which is thread order (each thread owns a contiguous range).
    double mine = 0.0;
    for (int i = begin; i < end; ++i) {
        const uint32_t k = rank_key(w[i]);
        if (k == prefix) mine += quantity(i, k);
    }
    double running = before + block_exclusive_scan(mine, sh);
    if (threadIdx.x == 0) sh.found = INT_MAX;
    __syncthreads();
    if (mine > 0.0) {
        for (int i = begin; i < end; ++i) {
            const uint32_t k = rank_key(w[i]);
            if (k != prefix) continue;
            const double q = quantity(i, k);
            if (!(q > 0.0)) continue;
            const double next = running + q;
            if (Strict ? next > target : next >= target) {
                atomicMin(&sh.found, i);
                break;
            }
            running = next;
        }
    }
    __syncthreads();
    const int found = sh.found;
    __syncthreads();
    if (found == INT_MAX) return false;
    out->key = prefix;
    out->id = found;
    return true;
}

__global__ void __launch_bounds__(kThreads) sample_kernel(const float *logits, int vocab, const SampleRequest *requests,
                                                          const int32_t *history, float *work, int32_t *counts,
                                                          int max_logprobs, int32_t *tokens, float *logprobs,
                                                          int32_t *top_tokens, float *top_logprobs) {
    pdl_enter();
    __shared__ Shared sh;
    const int slot = blockIdx.x, tid = threadIdx.x;
    const SampleRequest rq = requests[slot];
    const float *raw = logits + static_cast<size_t>(rq.logit_row) * vocab;
    float *w = work + static_cast<size_t>(slot) * vocab;
    int32_t *count = counts + static_cast<size_t>(slot) * vocab;
    const int per_thread = (vocab + kThreads - 1) / kThreads;
    const int begin = min(vocab, tid * per_thread), end = min(vocab, begin + per_thread);

    // Plain greedy (no penalties) needs no working copy: the argmax reads the logits directly.
    const bool greedy = rq.temperature == 0.0f || rq.top_k == 1;
    const bool plain_greedy = greedy && rq.history_length <= 0;
    if (!plain_greedy)
        for (int i = begin; i < end; ++i) w[i] = raw[i];
    if (rq.history_length > 0) {
        const int32_t *h = history + rq.history_offset;
        for (int i = tid; i < rq.history_length; i += kThreads) atomicAdd(&count[h[i]], 1);
        __syncthreads();
        // Each distinct token once (whoever takes its count), leaving the counts zeroed for the next step.
        for (int i = tid; i < rq.history_length; i += kThreads) {
            const int t = h[i];
            const int c = atomicExch(&count[t], 0);
            if (c == 0) continue;
            float v = w[t];
            if (rq.repetition_penalty != 1.0f)
                v = v > 0.0f ? __fdiv_rn(v, rq.repetition_penalty) : __fmul_rn(v, rq.repetition_penalty);
            w[t] = __fsub_rn(v, __fadd_rn(__fmul_rn(rq.frequency_penalty, static_cast<float>(c)), rq.presence_penalty));
        }
    }
    __syncthreads();

    // The argmax, strided so that a warp's loads are coalesced (after the barrier above every thread's part of w is
    // visible; ties are broken by the packed id, so the order of the scan does not matter).
    const float *scores = plain_greedy ? raw : w;
    unsigned long long best = ~0ull;
    for (int i = tid; i < vocab; i += kThreads) {
        const unsigned long long p = packed(rank_key(scores[i]), i);
        best = p < best ? p : best;
    }
    best = block_extreme<false>(best, sh);
    const int argmax = static_cast<int>(best & 0xffffffffu);
    int chosen = argmax;

    if (!greedy) {
        const double max_logit = w[argmax];
        const double inv_temperature = 1.0 / static_cast<double>(rq.temperature);
        const bool top_k = rq.top_k > 0 && rq.top_k < vocab;
        const bool sorted = top_k || rq.top_p < 1.0f;
        Cut cut{0xffffffffu, INT_MAX};
        auto weight = [&](int i) { return exp((static_cast<double>(w[i]) - max_logit) * inv_temperature); };
        if (top_k) {
            Cut kth;
            if (radix_select<false>(w, begin, end, [](int, uint32_t) { return 1.0; }, static_cast<double>(rq.top_k), sh, &kth))
                cut = kth;
        }
        double total = 0.0;
        for (int i = begin; i < end; ++i)
            if (cut.holds(rank_key(w[i]), i)) total += weight(i);
        total = block_sum(total, sh);
        if (rq.top_p < 1.0f) {
            Cut nucleus;
            const Cut current = cut;
            auto mass = [&](int i, uint32_t k) { return current.holds(k, i) ? weight(i) : 0.0; };
            if (radix_select<false>(w, begin, end, mass, static_cast<double>(rq.top_p) * total, sh, &nucleus)) cut = nucleus;
        }
        const double min_p = rq.min_p;
        const Cut final_cut = cut;
        auto kept = [&](int i, uint32_t k) {
            if (!final_cut.holds(k, i)) return 0.0;
            const double v = weight(i);
            return min_p > 0.0 && v < min_p ? 0.0 : v;
        };
        double kept_total = 0.0;
        for (int i = begin; i < end; ++i) kept_total += kept(i, rank_key(w[i]));
        kept_total = block_sum(kept_total, sh);
        const double target = uniform_draw(rq.seed, rq.position) * kept_total;
        bool drawn = false;
        if (sorted) {
            Cut pick;
            drawn = radix_select<true>(w, begin, end, kept, target, sh, &pick);
            if (drawn) chosen = pick.id;
        } else {  // candidates in id order: a prefix sum over the vocabulary
            double mine = 0.0;
            for (int i = begin; i < end; ++i) mine += kept(i, rank_key(w[i]));
            double running = block_exclusive_scan(mine, sh);
            if (tid == 0) sh.found = INT_MAX;
            __syncthreads();
            if (mine > 0.0) {
                for (int i = begin; i < end; ++i) {
                    const double q = kept(i, rank_key(w[i]));
                    if (!(q > 0.0)) continue;
                    running += q;
                    if (running > target) {
                        atomicMin(&sh.found, i);
                        break;
                    }
                }
            }
            __syncthreads();
            drawn = sh.found != INT_MAX;
            if (drawn) chosen = sh.found;
            __syncthreads();
        }
        if (!drawn) {  // rounding left the target past the end: the last candidate with weight, as the host does
            unsigned long long last = 0ull;
            bool any = false;
            for (int i = begin; i < end; ++i) {
                const uint32_t k = rank_key(w[i]);
                if (!(kept(i, k) > 0.0)) continue;
                const unsigned long long p = sorted ? packed(k, i) : static_cast<unsigned long long>(i);
                last = p > last ? p : last;
                any = true;
            }
            last = block_extreme<true>(any ? last : 0ull, sh);
            const int any_block = __syncthreads_or(any ? 1 : 0);
            if (any_block) chosen = static_cast<int>(last & 0xffffffffu);
        }
    }

    // Logprobs: log-softmax of the raw logits; the top ones in candidate order of the raw logits.
    int32_t *my_top_tokens = top_tokens + static_cast<size_t>(slot) * max_logprobs;
    float *my_top_logprobs = top_logprobs + static_cast<size_t>(slot) * max_logprobs;
    for (int j = tid; j < max_logprobs; j += kThreads) {
        my_top_tokens[j] = -1;
        my_top_logprobs[j] = __int_as_float(0x7fc00000);
    }
    if (rq.logprobs <= 0) {
        if (tid == 0) {
            tokens[slot] = chosen;
            logprobs[slot] = __int_as_float(0x7fc00000);
        }
        return;
    }
    unsigned long long raw_best = ~0ull;
    for (int i = begin; i < end; ++i) {
        const unsigned long long p = packed(rank_key(raw[i]), i);
        raw_best = p < raw_best ? p : raw_best;
    }
    raw_best = block_extreme<false>(raw_best, sh);
    const float raw_max = raw[static_cast<int>(raw_best & 0xffffffffu)];
    double sum = 0.0;
    for (int i = begin; i < end; ++i) sum += exp(static_cast<double>(raw[i]) - static_cast<double>(raw_max));
    sum = block_sum(sum, sh);
    const double log_normaliser = static_cast<double>(raw_max) + log(sum);
    if (tid == 0) {
        tokens[slot] = chosen;
        logprobs[slot] = static_cast<float>(static_cast<double>(raw[chosen]) - log_normaliser);
    }
    const int n_top = min(rq.logprobs, vocab);
    unsigned long long previous = 0ull;
    for (int j = 0; j < n_top; ++j) {
        unsigned long long next = ~0ull;
        for (int i = begin; i < end; ++i) {
            const unsigned long long p = packed(rank_key(raw[i]), i);
            if ((j == 0 || p > previous) && p < next) next = p;
        }
        next = block_extreme<false>(next, sh);
        previous = next;
        if (tid == 0) {
            const int id = static_cast<int>(next & 0xffffffffu);
            my_top_tokens[j] = id;
            my_top_logprobs[j] = static_cast<float>(static_cast<double>(raw[id]) - log_normaliser);
        }
    }
}

}  // namespace

void sample(const float *logits, int vocab, const SampleRequest *requests, int n, const int32_t *history, float *work,
            int32_t *counts, int max_logprobs, int32_t *tokens, float *logprobs, int32_t *top_tokens,
            float *top_logprobs, KernelStream stream) {
    if (n <= 0) return;
    launch("sample_kernel", sample_kernel, n, kThreads, 0, stream, logits, vocab, requests, history, work, counts, max_logprobs,
           tokens, logprobs, top_tokens, top_logprobs);
}

}  // namespace sg::cuda
