// AVX2 + FMA + F16C kernels. This unit is compiled with -mavx2 -mfma -mf16c and reached only through
// kAvx2Kernels after a run-time CPU check, so it must not define or instantiate any inline function or
// template that other units also use (the linker could pick this copy for them): everything here is
// file-local and only C headers are included.
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "kernels.h"
#include "streamgate_engine.h"

namespace sg {
namespace {

inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

inline float hsum(__m256 v) {
    __m128 lo = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_shuffle_ps(lo, lo, 1));
    return _mm_cvtss_f32(lo);
}

inline float bf16_scalar(uint16_t h) {
    uint32_t bits = static_cast<uint32_t>(h) << 16;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

struct F32 {
    static constexpr int64_t kBytes = 4;
    static __m256 load8(const void *base, int64_t i) { return _mm256_loadu_ps(static_cast<const float *>(base) + i); }
    static float load1(const void *base, int64_t i) { return static_cast<const float *>(base)[i]; }
};

struct BF16 {
    static constexpr int64_t kBytes = 2;
    static __m256 load8(const void *base, int64_t i) {
        const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i *>(static_cast<const uint16_t *>(base) + i));
        return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(raw), 16));
    }
    static float load1(const void *base, int64_t i) { return bf16_scalar(static_cast<const uint16_t *>(base)[i]); }
};

struct F16 {
    static constexpr int64_t kBytes = 2;
    static __m256 load8(const void *base, int64_t i) {
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i *>(static_cast<const uint16_t *>(base) + i)));
    }
    static float load1(const void *base, int64_t i) {
        return _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(static_cast<const uint16_t *>(base)[i])));
    }
};

// TR token rows against 4 weight rows: 4*TR accumulators stay in registers while each weight vector is
// loaded (and widened) once for all TR rows. TR stops at 2: with 3 rows (12 accumulators, 4 weight vectors
// and the row vector) GCC spills accumulators inside the loop, which measured slower. Every (row, output) pair gets its own accumulator, reduced
// in a fixed order, so results do not depend on how rows are grouped.
template <int TR, class W>
void tile(const float *const *x, int64_t k, const void *const *w, float out[][4]) {
    __m256 acc[TR][4];
    for (int t = 0; t < TR; ++t)
        for (int j = 0; j < 4; ++j) acc[t][j] = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= k; i += 8) {
        const __m256 w0 = W::load8(w[0], i), w1 = W::load8(w[1], i), w2 = W::load8(w[2], i), w3 = W::load8(w[3], i);
        for (int t = 0; t < TR; ++t) {
            const __m256 xv = _mm256_loadu_ps(x[t] + i);
            acc[t][0] = _mm256_fmadd_ps(xv, w0, acc[t][0]);
            acc[t][1] = _mm256_fmadd_ps(xv, w1, acc[t][1]);
            acc[t][2] = _mm256_fmadd_ps(xv, w2, acc[t][2]);
            acc[t][3] = _mm256_fmadd_ps(xv, w3, acc[t][3]);
        }
    }
    for (int t = 0; t < TR; ++t)
        for (int j = 0; j < 4; ++j) {
            float s = hsum(acc[t][j]);
            for (int64_t r = i; r < k; ++r) s += x[t][r] * W::load1(w[j], r);
            out[t][j] = s;
        }
}

// Rows are taken in blocks small enough to stay in L2 while every weight tile of the range passes over
// them, so a weight row is read from memory once per block (once per step for decode batches).
constexpr int64_t kRowBlock = 48;

template <class W>
void matmul_typed(const float *x, int64_t rows, int64_t k, const void *w, const float *bias, float *y, int64_t ldy,
                  int64_t n_begin, int64_t n_end, int accumulate) {
    const unsigned char *wb = static_cast<const unsigned char *>(w);
    for (int64_t t0 = 0; t0 < rows; t0 += kRowBlock) {
        const int64_t t1 = min64(rows, t0 + kRowBlock);
        for (int64_t n = n_begin; n < n_end; n += 4) {
            const int64_t nw = min64(4, n_end - n);
            const void *w_rows[4];
            for (int j = 0; j < 4; ++j) w_rows[j] = wb + (n + min64(j, nw - 1)) * k * W::kBytes;  // tail: repeat
            for (int64_t t = t0; t < t1; t += 2) {
                const int64_t tr = min64(2, t1 - t);
                const float *x_rows[2] = {x + t * k, x + (t + tr - 1) * k};
                float out[2][4];
                if (tr == 2) tile<2, W>(x_rows, k, w_rows, out);
                else tile<1, W>(x_rows, k, w_rows, out);
                for (int64_t a = 0; a < tr; ++a)
                    for (int64_t j = 0; j < nw; ++j) {
                        float r = out[a][j];
                        if (bias != nullptr) r += bias[n + j];
                        float &dst = y[(t + a) * ldy + n + j];
                        dst = accumulate ? dst + r : r;
                    }
            }
        }
    }
}

void matmul(const float *x, int64_t rows, int64_t k, const void *w, int dtype, const float *bias, float *y,
            int64_t ldy, int64_t n_begin, int64_t n_end, int accumulate) {
    switch (dtype) {
        case SG_DTYPE_F32: return matmul_typed<F32>(x, rows, k, w, bias, y, ldy, n_begin, n_end, accumulate);
        case SG_DTYPE_BF16: return matmul_typed<BF16>(x, rows, k, w, bias, y, ldy, n_begin, n_end, accumulate);
        default: return matmul_typed<F16>(x, rows, k, w, bias, y, ldy, n_begin, n_end, accumulate);
    }
}

template <class W>
void to_f32_typed(const void *src, float *dst, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, W::load8(src, i));
    for (; i < n; ++i) dst[i] = W::load1(src, i);
}

void to_f32(const void *src, int dtype, float *dst, int64_t n) {
    switch (dtype) {
        case SG_DTYPE_F32: return to_f32_typed<F32>(src, dst, n);
        case SG_DTYPE_BF16: return to_f32_typed<BF16>(src, dst, n);
        default: return to_f32_typed<F16>(src, dst, n);
    }
}

template <class W>
float dot_typed(const float *q, const void *k, int64_t n) {
    __m256 acc = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), W::load8(k, i), acc);
    float s = hsum(acc);
    for (; i < n; ++i) s += q[i] * W::load1(k, i);
    return s;
}

// Four keys per pass: one query load feeds four accumulators, and one transposing reduction (two rounds of
// hadd) finishes four dot products instead of four separate horizontal sums.
template <class W>
void scores_typed(const float *q, int heads, const void *keys, int n, int head_dim, float scale, float *scores,
                  int64_t stride) {
    const unsigned char *base = static_cast<const unsigned char *>(keys);
    const int64_t row = static_cast<int64_t>(head_dim) * W::kBytes;
    int j = 0;
    for (; j + 4 <= n; j += 4) {
        const void *k[4] = {base + j * row, base + (j + 1) * row, base + (j + 2) * row, base + (j + 3) * row};
        for (int h = 0; h < heads; ++h) {
            const float *qh = q + static_cast<int64_t>(h) * head_dim;
            __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
            int i = 0;
            for (; i + 8 <= head_dim; i += 8) {
                const __m256 qv = _mm256_loadu_ps(qh + i);
                a0 = _mm256_fmadd_ps(qv, W::load8(k[0], i), a0);
                a1 = _mm256_fmadd_ps(qv, W::load8(k[1], i), a1);
                a2 = _mm256_fmadd_ps(qv, W::load8(k[2], i), a2);
                a3 = _mm256_fmadd_ps(qv, W::load8(k[3], i), a3);
            }
            const __m256 pairs = _mm256_hadd_ps(_mm256_hadd_ps(a0, a1), _mm256_hadd_ps(a2, a3));
            float dots[4];
            _mm_storeu_ps(dots, _mm_add_ps(_mm256_castps256_ps128(pairs), _mm256_extractf128_ps(pairs, 1)));
            for (int r = 0; r < 4; ++r) {
                for (int t = i; t < head_dim; ++t) dots[r] += qh[t] * W::load1(k[r], t);
                scores[h * stride + j + r] = dots[r] * scale;
            }
        }
    }
    for (; j < n; ++j) {
        const void *key = base + j * row;
        for (int h = 0; h < heads; ++h) scores[h * stride + j] = dot_typed<W>(q + h * head_dim, key, head_dim) * scale;
    }
}

void attention_scores(const float *q, int heads, const void *keys, int dtype, int n, int head_dim, float scale,
                      float *scores, int64_t stride) {
    if (dtype == SG_DTYPE_F32) scores_typed<F32>(q, heads, keys, n, head_dim, scale, scores, stride);
    else scores_typed<BF16>(q, heads, keys, n, head_dim, scale, scores, stride);
}

// Each head's output stays in registers, 64 dimensions at a time, while the tile's rows stream past; every
// output element still adds the rows in order.
template <class W>
void values_typed(const float *probs, int heads, int64_t stride, const void *values, int n, int head_dim, float *out) {
    const unsigned char *base = static_cast<const unsigned char *>(values);
    const int64_t row = static_cast<int64_t>(head_dim) * W::kBytes;
    const int vector_dims = head_dim / 8 * 8;
    for (int h = 0; h < heads; ++h) {
        const float *p = probs + h * stride;
        float *o = out + static_cast<int64_t>(h) * head_dim;
        for (int i0 = 0; i0 < vector_dims; i0 += 64) {
            const int lanes = static_cast<int>(min64(8, (vector_dims - i0) / 8));
            __m256 acc[8];
            for (int l = 0; l < lanes; ++l) acc[l] = _mm256_loadu_ps(o + i0 + 8 * l);
            for (int j = 0; j < n; ++j) {
                const __m256 pv = _mm256_set1_ps(p[j]);
                const void *v = base + j * row;
                for (int l = 0; l < lanes; ++l) acc[l] = _mm256_fmadd_ps(pv, W::load8(v, i0 + 8 * l), acc[l]);
            }
            for (int l = 0; l < lanes; ++l) _mm256_storeu_ps(o + i0 + 8 * l, acc[l]);
        }
        for (int i = vector_dims; i < head_dim; ++i)
            for (int j = 0; j < n; ++j) o[i] += p[j] * W::load1(base + j * row, i);
    }
}

void attention_values(const float *probs, int heads, int64_t stride, const void *values, int dtype, int n, int head_dim,
                      float *out) {
    if (dtype == SG_DTYPE_F32) values_typed<F32>(probs, heads, stride, values, n, head_dim, out);
    else values_typed<BF16>(probs, heads, stride, values, n, head_dim, out);
}

}  // namespace

extern const CpuKernels kAvx2Kernels = {"avx2", matmul, to_f32, attention_scores, attention_values};

}  // namespace sg
