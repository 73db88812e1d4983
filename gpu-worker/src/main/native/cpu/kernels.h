// The CPU kernel table. Two implementations exist: portable scalar code and an AVX2/FMA/F16C one in a
// translation unit of its own (compiled with those flags and selected only when the processor has
// them). This header holds plain C types only, so the AVX2 unit shares no inline code with the rest.
#pragma once

#include <cstdint>

namespace sg {

struct CpuKernels {
    const char *name;  // "avx2" or "scalar"

    // For rows t in [0, rows) and outputs n in [n_begin, n_end):
    //   y[t * ldy + n] = (accumulate ? y[t * ldy + n] : 0) + dot(x[t * k ..], w[n * k ..]) + (bias ? bias[n] : 0)
    // w is a row-major [*, k] matrix of `dtype` (SG_DTYPE_*). Each dot is computed the same way whatever the
    // number of rows, so a token's result does not depend on the batch around it.
    void (*matmul)(const float *x, int64_t rows, int64_t k, const void *w, int dtype, const float *bias,
                   float *y, int64_t ldy, int64_t n_begin, int64_t n_end, int accumulate);

    // dst[i] = float(src[i]) for a row of `dtype`.
    void (*to_f32)(const void *src, int dtype, float *dst, int64_t n);

    // Attention over one block tile of a KV head: `n` rows of `head_dim` keys or values stored as `dtype`
    // (F32 or BF16), for `heads` query heads at once (the GQA group sharing that KV head).
    //   scores[h * stride + j] = scale * dot(q[h * head_dim ..], keys[j * head_dim ..])
    void (*attention_scores)(const float *q, int heads, const void *keys, int dtype, int n, int head_dim, float scale,
                             float *scores, int64_t stride);
    //   out[h * head_dim + i] += sum over j in order of probs[h * stride + j] * values[j * head_dim + i]
    void (*attention_values)(const float *probs, int heads, int64_t stride, const void *values, int dtype, int n,
                             int head_dim, float *out);
};

const CpuKernels &scalar_kernels();

// nullptr when this build or this processor lacks AVX2, FMA or F16C.
const CpuKernels *avx2_kernels();

}  // namespace sg
