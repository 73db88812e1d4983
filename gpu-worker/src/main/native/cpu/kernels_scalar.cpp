// Portable kernels: the fallback for processors without AVX2 and the reference the SIMD kernels are
// tested against. Eight independent partial sums keep the compiler free to vectorise the dot products.
#include <cstring>

#include "../engine/dtype.h"
#include "kernels.h"

namespace sg {
namespace {

constexpr int kLanes = 8;

template <int Dtype>
inline float element(const void *base, int64_t i) {
    if constexpr (Dtype == SG_DTYPE_F32) return static_cast<const float *>(base)[i];
    else if constexpr (Dtype == SG_DTYPE_BF16) return bf16_to_f32(static_cast<const uint16_t *>(base)[i]);
    else return f16_to_f32(static_cast<const uint16_t *>(base)[i]);
}

template <int Dtype>
float dot_typed(const float *x, const void *w, int64_t n) {
    float lanes[kLanes] = {};
    int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
        for (int l = 0; l < kLanes; ++l) lanes[l] += x[i + l] * element<Dtype>(w, i + l);
    float sum = 0.0f;
    for (int l = 0; l < kLanes; ++l) sum += lanes[l];
    for (; i < n; ++i) sum += x[i] * element<Dtype>(w, i);
    return sum;
}

template <int Dtype>
void matmul_typed(const float *x, int64_t rows, int64_t k, const void *w, const float *bias, float *y, int64_t ldy,
                  int64_t n_begin, int64_t n_end, int accumulate) {
    const size_t row_bytes = static_cast<size_t>(k) * dtype_size(Dtype);
    for (int64_t n = n_begin; n < n_end; ++n) {
        const void *w_row = static_cast<const unsigned char *>(w) + n * row_bytes;
        for (int64_t t = 0; t < rows; ++t) {
            float r = dot_typed<Dtype>(x + t * k, w_row, k);
            if (bias != nullptr) r += bias[n];
            float &out = y[t * ldy + n];
            out = accumulate ? out + r : r;
        }
    }
}

void matmul(const float *x, int64_t rows, int64_t k, const void *w, int dtype, const float *bias, float *y,
            int64_t ldy, int64_t n_begin, int64_t n_end, int accumulate) {
    switch (dtype) {
        case SG_DTYPE_F32: return matmul_typed<SG_DTYPE_F32>(x, rows, k, w, bias, y, ldy, n_begin, n_end, accumulate);
        case SG_DTYPE_BF16: return matmul_typed<SG_DTYPE_BF16>(x, rows, k, w, bias, y, ldy, n_begin, n_end, accumulate);
        default: return matmul_typed<SG_DTYPE_F16>(x, rows, k, w, bias, y, ldy, n_begin, n_end, accumulate);
    }
}

void to_f32(const void *src, int dtype, float *dst, int64_t n) {
    if (dtype == SG_DTYPE_F32) {
        std::memcpy(dst, src, static_cast<size_t>(n) * 4);
        return;
    }
    for (int64_t i = 0; i < n; ++i) dst[i] = load_as_f32(src, dtype, static_cast<size_t>(i));
}

template <int Dtype>
void scores_typed(const float *q, int heads, const void *keys, int n, int head_dim, float scale, float *scores,
                  int64_t stride) {
    const size_t row_bytes = static_cast<size_t>(head_dim) * dtype_size(Dtype);
    for (int j = 0; j < n; ++j) {
        const void *key = static_cast<const unsigned char *>(keys) + j * row_bytes;
        for (int h = 0; h < heads; ++h) scores[h * stride + j] = dot_typed<Dtype>(q + h * head_dim, key, head_dim) * scale;
    }
}

void attention_scores(const float *q, int heads, const void *keys, int dtype, int n, int head_dim, float scale,
                      float *scores, int64_t stride) {
    if (dtype == SG_DTYPE_F32) scores_typed<SG_DTYPE_F32>(q, heads, keys, n, head_dim, scale, scores, stride);
    else scores_typed<SG_DTYPE_BF16>(q, heads, keys, n, head_dim, scale, scores, stride);
}

template <int Dtype>
void values_typed(const float *probs, int heads, int64_t stride, const void *values, int n, int head_dim, float *out) {
    for (int j = 0; j < n; ++j) {
        const void *v = static_cast<const unsigned char *>(values) + static_cast<size_t>(j) * head_dim * dtype_size(Dtype);
        for (int h = 0; h < heads; ++h) {
            const float p = probs[h * stride + j];
            float *o = out + h * head_dim;
            for (int i = 0; i < head_dim; ++i) o[i] += p * element<Dtype>(v, i);
        }
    }
}

void attention_values(const float *probs, int heads, int64_t stride, const void *values, int dtype, int n, int head_dim,
                      float *out) {
    if (dtype == SG_DTYPE_F32) values_typed<SG_DTYPE_F32>(probs, heads, stride, values, n, head_dim, out);
    else values_typed<SG_DTYPE_BF16>(probs, heads, stride, values, n, head_dim, out);
}

const CpuKernels kScalar = {"scalar", matmul, to_f32, attention_scores, attention_values};

}  // namespace

const CpuKernels &scalar_kernels() { return kScalar; }

}  // namespace sg
