// sg_cuda_check: every CUDA kernel of the backend against a CPU reference on fresh random inputs (outputs
// poisoned with NaN first, so an unwritten element fails; NaN never passes), then whole engines: the CUDA
// backend against the CPU backend on a random model through chunked prefill and decode, and graph replay
// against eager execution. Needs a GPU; bench/gpu/run.sh runs it (and once more under compute-sanitizer
// with --quick). Exit status 0 only when every check passed.
//   sg_cuda_check [--quick] [--seed N] [--probe]   (--probe: only say whether the CUDA backend can run; exit 0 if so)
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "../cuda/cublas_loader.h"
#include "../cuda/cuda_check.h"
#include "../cuda/device_memory.h"
#include "../cuda/kernels.cuh"
#include "../engine/device_batch.h"
#include "../engine/dtype.h"
#include "../engine/sampler.h"
#include "../tools/checkpoint_shapes.h"
#include "streamgate_engine.h"

namespace {

using sg::cuda::bf16_bits;
using sg::cuda::DeviceArray;

int passed = 0, failed = 0;
bool quick = false;
std::mt19937_64 rng(20240611);

void check(bool ok, const std::string &what) {
    if (ok) {
        ++passed;
        std::printf("  ok    %s\n", what.c_str());
    } else {
        ++failed;
        std::printf("  FAIL  %s\n", what.c_str());
    }
    std::fflush(stdout);
}

std::string fmt(const char *format, double a, double b = 0, double c = 0) {
    char buffer[256];
    std::snprintf(buffer, sizeof buffer, format, a, b, c);
    return buffer;
}

std::vector<float> normal(size_t n, float scale = 1.0f) {
    std::normal_distribution<float> d(0.0f, scale);
    std::vector<float> v(n);
    for (float &f : v) f = d(rng);
    return v;
}

std::vector<bf16_bits> to_bf16(const std::vector<float> &v) {
    std::vector<bf16_bits> out(v.size());
    for (size_t i = 0; i < v.size(); ++i) out[i] = sg::f32_to_bf16(v[i]);
    return out;
}


template <class T>
DeviceArray<T> upload(const std::vector<T> &v) {
    DeviceArray<T> d(std::max<size_t>(v.size(), 1));
    if (!v.empty()) SG_CUDA_CHECK(cudaMemcpy(d.get(), v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice));
    return d;
}

template <class T>
DeviceArray<T> poisoned(size_t n) {
    DeviceArray<T> d(std::max<size_t>(n, 1));
    SG_CUDA_CHECK(cudaMemset(d.get(), 0xff, d.bytes()));  // NaN as float and as bf16
    return d;
}

template <class T>
std::vector<T> download(const DeviceArray<T> &d, size_t n) {
    SG_CUDA_CHECK(cudaDeviceSynchronize());
    std::vector<T> v(n);
    if (n > 0) SG_CUDA_CHECK(cudaMemcpy(v.data(), d.get(), n * sizeof(T), cudaMemcpyDeviceToHost));
    return v;
}

std::vector<float> widen(const std::vector<bf16_bits> &v) {
    std::vector<float> out(v.size());
    for (size_t i = 0; i < v.size(); ++i) out[i] = sg::bf16_to_f32(v[i]);
    return out;
}

// The device's q/k/v column order (device_weights.h): in each of the first `rotated` columns' heads the rotary
// pairs made adjacent; order[j] is the checkpoint column that device column j holds.
std::vector<int> rotary_pair_order(int width, int rotated, int head_dim) {
    std::vector<int> order(static_cast<size_t>(width));
    for (int j = 0; j < width; ++j) {
        const int within = j % head_dim;
        order[j] = j < rotated ? j - within + within / 2 + (within % 2) * (head_dim / 2) : j;
    }
    return order;
}

// Columns of a row-major [rows, order.size()] array picked by `order` (rows of a matrix, with rows = 1 and the
// matrix's row length as the element: see the callers).
template <class T>
std::vector<T> reorder(const std::vector<T> &v, const std::vector<int> &order, size_t element = 1) {
    const size_t width = order.size() * element, rows = v.size() / width;
    std::vector<T> out(v.size());
    for (size_t r = 0; r < rows; ++r)
        for (size_t j = 0; j < order.size(); ++j)
            std::copy_n(v.begin() + r * width + static_cast<size_t>(order[j]) * element, element, out.begin() + r * width + j * element);
    return out;
}

// ||got - want|| / ||want||; infinite when anything is NaN or infinite.
double relative_error(const std::vector<float> &got, const std::vector<double> &want) {
    double diff = 0, norm = 0;
    for (size_t i = 0; i < want.size(); ++i) {
        if (!std::isfinite(got[i])) return INFINITY;
        diff += (got[i] - want[i]) * (got[i] - want[i]);
        norm += want[i] * want[i];
    }
    return std::sqrt(diff / std::max(norm, 1e-300));
}

void check_embedding() {
    const int vocab = 1000, hidden = 200, rows = 37;
    const std::vector<bf16_bits> table = to_bf16(normal(static_cast<size_t>(vocab) * hidden));
    std::vector<int32_t> tokens(rows);
    for (int32_t &t : tokens) t = static_cast<int32_t>(rng() % vocab);
    auto d_table = upload(table);
    auto d_tokens = upload(tokens);
    auto d_x = poisoned<float>(static_cast<size_t>(rows) * hidden);
    sg::cuda::embed_rows(d_table.get(), d_tokens.get(), rows, hidden, d_x.get(), nullptr);
    const std::vector<float> x = download(d_x, static_cast<size_t>(rows) * hidden);
    bool exact = true;
    for (int r = 0; r < rows; ++r)
        for (int i = 0; i < hidden; ++i)
            exact &= x[static_cast<size_t>(r) * hidden + i] == sg::bf16_to_f32(table[static_cast<size_t>(tokens[r]) * hidden + i]);
    check(exact, "embedding gather is exact");
}

void check_rms_norm() {
    for (int hidden : {64, 2048, 4097}) {
        const int rows = 19, src_rows = 25;
        const std::vector<float> x = normal(static_cast<size_t>(src_rows) * hidden, 3.0f), w = normal(hidden);
        std::vector<int32_t> index(rows);
        for (int32_t &i : index) i = static_cast<int32_t>(rng() % src_rows);
        auto d_x = upload(x);
        auto d_w = upload(w);
        auto d_index = upload(index);
        for (bool gather : {false, true}) {
            auto d_out = poisoned<bf16_bits>(static_cast<size_t>(rows) * hidden);
            sg::cuda::rms_norm(d_x.get(), gather ? d_index.get() : nullptr, rows, hidden, d_w.get(), 1e-5f, d_out.get(), nullptr);
            const std::vector<float> got = widen(download(d_out, static_cast<size_t>(rows) * hidden));
            std::vector<double> want(got.size());
            for (int r = 0; r < rows; ++r) {
                const float *in = x.data() + static_cast<size_t>(gather ? index[r] : r) * hidden;
                double sum = 0;
                for (int i = 0; i < hidden; ++i) sum += static_cast<double>(in[i]) * in[i];
                const double scale = 1.0 / std::sqrt(sum / hidden + 1e-5);
                for (int i = 0; i < hidden; ++i) want[static_cast<size_t>(r) * hidden + i] = w[i] * in[i] * scale;
            }
            const double err = relative_error(got, want);
            check(err < 5e-3, fmt("rms_norm hidden %.0f, gathered rows %.0f: rel err %.2e", hidden, gather ? 1 : 0, err));
        }
    }
}

// Default rope (theta 10000) tables: cos/sin [context, head_dim / 2], as the backend's tables are laid out.
struct RotaryTables {
    std::vector<float> cos, sin;
};

RotaryTables rotary_tables(int context, int head_dim) {
    const int half = head_dim / 2;
    RotaryTables t{std::vector<float>(static_cast<size_t>(context) * half), std::vector<float>(static_cast<size_t>(context) * half)};
    for (int p = 0; p < context; ++p)
        for (int i = 0; i < half; ++i) {
            const double angle = p * std::pow(10000.0, -2.0 * i / head_dim);
            t.cos[static_cast<size_t>(p) * half + i] = static_cast<float>(std::cos(angle));
            t.sin[static_cast<size_t>(p) * half + i] = static_cast<float>(std::sin(angle));
        }
    return t;
}

void check_qkv_rope_store() {
    const int heads = 8, kv_heads = 2, head_dim = 64, rows = 23, block_size = 16, blocks = 12, context = 190;
    const int half = head_dim / 2, q_dim = heads * head_dim, kv_dim = kv_heads * head_dim, width = q_dim + 2 * kv_dim;
    const std::vector<float> qkv = normal(static_cast<size_t>(rows) * width), bias = normal(width, 0.5f);
    const RotaryTables rotary = rotary_tables(context, head_dim);
    const std::vector<float> &cos_t = rotary.cos, &sin_t = rotary.sin;
    std::vector<int32_t> positions(rows), slots(rows), order(blocks * block_size);
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int32_t>(i);
    std::shuffle(order.begin(), order.end(), rng);
    for (int r = 0; r < rows; ++r) {
        positions[r] = static_cast<int32_t>(rng() % context);
        slots[r] = order[r];  // distinct slots
    }
    const std::vector<int> columns = rotary_pair_order(width, q_dim + kv_dim, head_dim);
    auto d_qkv = upload(reorder(qkv, columns));
    auto d_bias = upload(reorder(bias, columns));
    auto d_cos = upload(cos_t);
    auto d_sin = upload(sin_t);
    auto d_pos = upload(positions);
    auto d_slots = upload(slots);
    const size_t pool = static_cast<size_t>(blocks) * 2 * kv_heads * block_size * head_dim;
    auto d_q = poisoned<float>(static_cast<size_t>(rows) * q_dim);
    auto d_kv = poisoned<bf16_bits>(pool);
    const sg::cuda::QkvRope rope{d_bias.get(), d_pos.get(), d_slots.get(), d_cos.get(), d_sin.get(), heads, kv_heads,
                                 head_dim, block_size, d_q.get(), d_kv.get()};
    sg::cuda::qkv_rope_store(d_qkv.get(), rows, rope, nullptr);
    const std::vector<float> q = download(d_q, static_cast<size_t>(rows) * q_dim);
    const std::vector<bf16_bits> kv = download(d_kv, pool);
    std::vector<double> want_q(q.size());
    double worst_kv = 0;
    size_t written = 0;
    for (int r = 0; r < rows; ++r) {
        const float *row = qkv.data() + static_cast<size_t>(r) * width;
        const float *c = cos_t.data() + static_cast<size_t>(positions[r]) * half, *s = sin_t.data() + static_cast<size_t>(positions[r]) * half;
        const int block = slots[r] / block_size, offset = slots[r] % block_size;
        for (int h = 0; h < heads + kv_heads; ++h)
            for (int i = 0; i < half; ++i) {
                const int col = h * head_dim + i;
                const double a = row[col] + bias[col], b = row[col + half] + bias[col + half];
                const double x = a * c[i] - b * s[i], y = b * c[i] + a * s[i];
                if (h < heads) {
                    want_q[static_cast<size_t>(r) * q_dim + col] = x;
                    want_q[static_cast<size_t>(r) * q_dim + col + half] = y;
                } else {
                    const size_t base = ((static_cast<size_t>(block) * 2) * kv_heads + (h - heads)) * block_size * head_dim +
                                        static_cast<size_t>(offset) * head_dim;
                    worst_kv = std::max({worst_kv, std::fabs(sg::bf16_to_f32(kv[base + i]) - x) / (std::fabs(x) + 1e-3),
                                         std::fabs(sg::bf16_to_f32(kv[base + i + half]) - y) / (std::fabs(y) + 1e-3)});
                    written += 2;
                }
            }
        for (int v = 0; v < kv_dim; ++v) {
            const double want = row[q_dim + kv_dim + v] + bias[q_dim + kv_dim + v];
            const size_t base = ((static_cast<size_t>(block) * 2 + 1) * kv_heads + v / head_dim) * block_size * head_dim +
                                static_cast<size_t>(offset) * head_dim + v % head_dim;
            const float got = sg::bf16_to_f32(kv[base]);
            worst_kv = std::isfinite(got) ? std::max(worst_kv, std::fabs(got - want) / (std::fabs(want) + 1e-3)) : INFINITY;
            ++written;
        }
    }
    size_t untouched = 0;
    for (bf16_bits v : kv) untouched += v == 0xffff;
    const double err = relative_error(q, want_q);
    check(err < 1e-5, fmt("rope on q: rel err %.2e", err));
    check(worst_kv < 5e-3, fmt("k (rotated) and v stored as bf16 in their slots: worst rel err %.2e", worst_kv));
    check(untouched == pool - written, "nothing outside the rows' slots is written");
}

// Pool with random K/V, sequences with scattered block tables, rows at chosen positions.
void check_attention_case(int heads, int kv_heads, int head_dim, int block_size, const std::vector<int> &contexts,
                          int splits_cap) {
    const int rows = static_cast<int>(contexts.size()), group = heads / kv_heads;
    int max_ctx = 0;
    for (int c : contexts) max_ctx = std::max(max_ctx, c);
    const int stride = (max_ctx + block_size - 1) / block_size;
    const int blocks = stride * rows + 3;
    const size_t tile = static_cast<size_t>(block_size) * head_dim;
    const std::vector<bf16_bits> pool = to_bf16(normal(static_cast<size_t>(blocks) * 2 * kv_heads * tile));
    std::vector<int32_t> ids(blocks);
    for (int i = 0; i < blocks; ++i) ids[i] = i;
    std::shuffle(ids.begin(), ids.end(), rng);
    std::vector<int32_t> tables(static_cast<size_t>(rows) * stride), positions(rows), row_entry(rows);
    for (int r = 0; r < rows; ++r) {
        for (int j = 0; j < stride; ++j) tables[static_cast<size_t>(r) * stride + j] = ids[static_cast<size_t>(r) * stride + j];
        positions[r] = contexts[r] - 1;
        row_entry[r] = r;
    }
    const std::vector<float> q = normal(static_cast<size_t>(rows) * heads * head_dim);
    const sg::AttentionSplit split = sg::attention_split(max_ctx, splits_cap, false, max_ctx);
    auto d_pool = upload(pool);
    auto d_q = upload(q);
    auto d_tables = upload(tables);
    auto d_pos = upload(positions);
    auto d_entry = upload(row_entry);
    auto d_partials = poisoned<float>(sg::cuda::attention_partial_floats(rows, heads, head_dim, split.splits));
    auto d_out = poisoned<bf16_bits>(static_cast<size_t>(rows) * heads * head_dim);
    sg::cuda::prepare_attention(heads, kv_heads, head_dim);
    const sg::cuda::AttentionShape shape{rows, heads, kv_heads, head_dim, block_size, stride, split.splits, split.partition};
    DeviceArray<int32_t> d_tickets(static_cast<size_t>(rows) * kv_heads);
    SG_CUDA_CHECK(cudaMemset(d_tickets.get(), 0, d_tickets.bytes()));
    sg::cuda::attention(shape, d_q.get(), d_pool.get(), d_pos.get(), d_entry.get(), d_tables.get(), d_partials.get(),
                        d_tickets.get(), d_out.get(), nullptr);
    const std::vector<float> got = widen(download(d_out, static_cast<size_t>(rows) * heads * head_dim));
    const std::vector<int32_t> tickets = download(d_tickets, static_cast<size_t>(rows) * kv_heads);
    const bool tickets_reset = std::all_of(tickets.begin(), tickets.end(), [](int32_t t) { return t == 0; });
    std::vector<double> want(got.size());
    const double scale = 1.0 / std::sqrt(static_cast<double>(head_dim));
    for (int r = 0; r < rows; ++r)
        for (int h = 0; h < heads; ++h) {
            const int g = h / group, ctx = contexts[r];
            const float *qh = q.data() + (static_cast<size_t>(r) * heads + h) * head_dim;
            std::vector<double> s(ctx);
            double m = -INFINITY;
            for (int j = 0; j < ctx; ++j) {
                const size_t key = ((static_cast<size_t>(tables[static_cast<size_t>(r) * stride + j / block_size]) * 2) * kv_heads + g) * tile +
                                   static_cast<size_t>(j % block_size) * head_dim;
                double dot = 0;
                for (int d = 0; d < head_dim; ++d) dot += static_cast<double>(qh[d]) * sg::bf16_to_f32(pool[key + d]);
                s[j] = dot * scale;
                m = std::max(m, s[j]);
            }
            double sum = 0;
            for (double &v : s) sum += v = std::exp(v - m);
            for (int d = 0; d < head_dim; ++d) {
                double o = 0;
                for (int j = 0; j < ctx; ++j) {
                    const size_t value = ((static_cast<size_t>(tables[static_cast<size_t>(r) * stride + j / block_size]) * 2 + 1) * kv_heads + g) * tile +
                                         static_cast<size_t>(j % block_size) * head_dim;
                    o += s[j] * sg::bf16_to_f32(pool[value + d]);
                }
                want[(static_cast<size_t>(r) * heads + h) * head_dim + d] = o / sum;
            }
        }
    const double err = relative_error(got, want);
    char what[240];
    std::snprintf(what, sizeof what, "attention %d heads / %d kv, head_dim %d, block %d, %d rows up to %d positions, %d x %d split: rel err %.2e%s",
                  heads, kv_heads, head_dim, block_size, rows, max_ctx, split.splits, split.partition, err,
                  tickets_reset ? "" : ", split tickets NOT back to zero");
    check(err < 1e-2 && tickets_reset, what);
}

void check_attention() {
    check_attention_case(8, 2, 64, 16, {1, 2, 17, 100, 255, 256, 257}, 1);
    check_attention_case(32, 4, 64, 16, {130, 1, 700, 2048}, 16);              // TinyLlama's shape, flash-decoding splits
    check_attention_case(4, 4, 16, 4, {3, 9, 64, 300}, 4);                      // MHA, tiny heads (the fixtures)
    check_attention_case(4, 2, 32, 8, {5, 40, 513}, 2);                         // few splits allowed: long partitions
    check_attention_case(16, 2, 128, 16, {1, 70, 300}, 4);                     // head_dim 128: key rows in two loads of 8
    check_attention_case(24, 2, 32, 16, {2, 65, 200}, 4);                      // 12 heads per KV head: two value passes
    if (!quick) {
        check_attention_case(28, 4, 128, 16, {1000, 3000, 4097}, 16);          // 7 heads per KV head, head_dim 128
        std::vector<int> prefill;                                              // a prefill chunk: consecutive positions
        for (int p = 200; p < 328; ++p) prefill.push_back(p + 1);
        check_attention_case(32, 4, 64, 16, prefill, 1);
    }
}

void check_swiglu_bias() {
    const int rows = 13, inter = 5632 / 4;
    const std::vector<float> gu = widen(to_bf16(normal(static_cast<size_t>(rows) * 2 * inter, 2.0f)));
    auto d_gu = upload(to_bf16(gu));
    auto d_out = poisoned<bf16_bits>(static_cast<size_t>(rows) * inter);
    sg::cuda::swiglu(d_gu.get(), rows, inter, d_out.get(), nullptr);
    const std::vector<float> got = widen(download(d_out, static_cast<size_t>(rows) * inter));
    std::vector<double> want(got.size());
    for (int r = 0; r < rows; ++r)
        for (int i = 0; i < inter; ++i) {
            const double g = gu[(static_cast<size_t>(r) * inter + i) * 2], u = gu[(static_cast<size_t>(r) * inter + i) * 2 + 1];
            want[static_cast<size_t>(r) * inter + i] = g / (1 + std::exp(-g)) * u;
        }
    const double err = relative_error(got, want);
    check(err < 5e-3, fmt("swiglu (gate/up interleaved): rel err %.2e", err));
    const int n = 300;
    std::vector<float> y = normal(static_cast<size_t>(rows) * n);
    const std::vector<float> bias = normal(n);
    auto d_y = upload(y);
    auto d_bias = upload(bias);
    sg::cuda::add_bias(d_y.get(), d_bias.get(), rows, n, nullptr);
    const std::vector<float> after = download(d_y, y.size());
    bool exact = true;
    for (size_t i = 0; i < y.size(); ++i) exact &= after[i] == y[i] + bias[i % n];
    check(exact, "bias added to every row");
}

// Reference for both matmul paths: y[t, n] = sum_k x[t, k] * w[n, k] on the bf16 values, in double.
std::vector<double> matmul_reference(const std::vector<bf16_bits> &x, const std::vector<bf16_bits> &w, int rows, int n, int k,
                                     const std::vector<float> *add) {
    std::vector<double> y(static_cast<size_t>(rows) * n);
    for (int t = 0; t < rows; ++t)
        for (int j = 0; j < n; ++j) {
            double sum = add != nullptr ? (*add)[static_cast<size_t>(t) * n + j] : 0.0;
            for (int i = 0; i < k; ++i)
                sum += static_cast<double>(sg::bf16_to_f32(x[static_cast<size_t>(t) * k + i])) * sg::bf16_to_f32(w[static_cast<size_t>(j) * k + i]);
            y[static_cast<size_t>(t) * n + j] = sum;
        }
    return y;
}

void check_gemv() {
    const int shapes[][2] = {{2560, 2048}, {2048, 5632}, {1000, 72}, {37, 8}};
    for (const auto &shape : shapes) {
        const int n = shape[0], k = shape[1];
        const std::vector<bf16_bits> w = to_bf16(normal(static_cast<size_t>(n) * k));
        auto d_w = upload(w);
        for (int rows : {1, 3, 8}) {
            if (quick && rows == 3) continue;
            const std::vector<bf16_bits> x = to_bf16(normal(static_cast<size_t>(rows) * k));
            const std::vector<float> base = normal(static_cast<size_t>(rows) * n);
            auto d_x = upload(x);
            for (bool accumulate : {false, true}) {
                auto d_y = accumulate ? upload(base) : poisoned<float>(static_cast<size_t>(rows) * n);
                sg::cuda::gemv(d_w.get(), d_x.get(), d_y.get(), rows, n, k, accumulate, nullptr);
                const double err = relative_error(download(d_y, static_cast<size_t>(rows) * n),
                                                  matmul_reference(x, w, rows, n, k, accumulate ? &base : nullptr));
                char what[160];
                std::snprintf(what, sizeof what, "gemv %d x [%d, %d]%s: rel err %.2e", rows, n, k, accumulate ? " accumulating" : "", err);
                check(err < 1e-5, what);
            }
        }
    }
}

// The fused gate/up gemv with its SwiGLU epilogue: against the double reference, and bit for bit against the
// unfused path (the projection rounded to bf16, as cuBLAS stores it for prefill steps, then the swiglu kernel).
void check_gemv_swiglu() {
    const int shapes[][2] = {{5632, 2048}, {100, 72}, {3, 8}};  // [inter, k]: TinyLlama's, a small one, a partial block
    for (const auto &shape : shapes) {
        const int inter = shape[0], k = shape[1];
        const std::vector<bf16_bits> w = to_bf16(normal(static_cast<size_t>(2) * inter * k, 1.0f / std::sqrt(static_cast<float>(k))));
        auto d_w = upload(w);
        for (int rows : {1, 2, 8}) {
            if (quick && rows == 2) continue;
            const std::vector<bf16_bits> x = to_bf16(normal(static_cast<size_t>(rows) * k));
            auto d_x = upload(x);
            auto d_fused = poisoned<bf16_bits>(static_cast<size_t>(rows) * inter);
            sg::cuda::gemv_swiglu(d_w.get(), d_x.get(), d_fused.get(), rows, inter, k, nullptr);
            auto d_dots = poisoned<float>(static_cast<size_t>(rows) * 2 * inter);
            auto d_plain = poisoned<bf16_bits>(static_cast<size_t>(rows) * inter);
            sg::cuda::gemv(d_w.get(), d_x.get(), d_dots.get(), rows, 2 * inter, k, false, nullptr);
            auto d_rounded = upload(to_bf16(download(d_dots, static_cast<size_t>(rows) * 2 * inter)));
            sg::cuda::swiglu(d_rounded.get(), rows, inter, d_plain.get(), nullptr);
            const std::vector<bf16_bits> fused = download(d_fused, static_cast<size_t>(rows) * inter);
            const std::vector<bf16_bits> plain = download(d_plain, static_cast<size_t>(rows) * inter);
            const std::vector<double> dots = matmul_reference(x, w, rows, 2 * inter, k, nullptr);
            std::vector<double> want(static_cast<size_t>(rows) * inter);
            for (size_t j = 0; j < want.size(); ++j) {
                const double g = dots[2 * j], u = dots[2 * j + 1];
                want[j] = g / (1 + std::exp(-g)) * u;
            }
            const double err = relative_error(widen(fused), want);
            size_t differ = 0;
            for (size_t j = 0; j < fused.size(); ++j) differ += fused[j] != plain[j];
            char what[200];
            std::snprintf(what, sizeof what, "gemv_swiglu %d x [2 x %d, %d]: rel err %.2e, %zu of %zu differ from gemv + swiglu",
                          rows, inter, k, err, differ, fused.size());
            check(err < 5e-3 && differ == 0, what);
        }
    }
}

// The q/k/v gemv with the rope-and-store epilogue, against the unfused path (gemv to float32, then
// qkv_rope_store), which prefill steps take: q and the whole pool bit for bit; and q against a double reference.
void check_gemv_qkv_rope() {
    struct Case {
        int heads, kv_heads, head_dim, k;
        bool bias;
    };
    const Case cases[] = {{32, 4, 64, 2048, false}, {4, 2, 16, 72, true}};  // TinyLlama's; a small Qwen2-like one
    const int block_size = 16, blocks = 6, context = 300;
    for (const Case &c : cases) {
        const int q_dim = c.heads * c.head_dim, kv_dim = c.kv_heads * c.head_dim, width = q_dim + 2 * kv_dim, half = c.head_dim / 2;
        const std::vector<int> order = rotary_pair_order(width, q_dim + kv_dim, c.head_dim);
        const std::vector<bf16_bits> w = to_bf16(normal(static_cast<size_t>(width) * c.k, 1.0f / std::sqrt(static_cast<float>(c.k))));
        const std::vector<float> bias = c.bias ? normal(width, 0.5f) : std::vector<float>();
        const RotaryTables rotary = rotary_tables(context, c.head_dim);
        const std::vector<float> &cos_t = rotary.cos, &sin_t = rotary.sin;
        auto d_w = upload(reorder(w, order, static_cast<size_t>(c.k)));
        auto d_bias = upload(c.bias ? reorder(bias, order) : std::vector<float>());
        auto d_cos = upload(cos_t);
        auto d_sin = upload(sin_t);
        const size_t pool = static_cast<size_t>(blocks) * 2 * c.kv_heads * block_size * c.head_dim;
        for (int rows : {1, 8}) {
            std::vector<int32_t> positions(rows), slots(rows);
            for (int r = 0; r < rows; ++r) {
                positions[r] = static_cast<int32_t>(rng() % context);
                slots[r] = r * 11 % (blocks * block_size);  // distinct slots
            }
            const std::vector<bf16_bits> x = to_bf16(normal(static_cast<size_t>(rows) * c.k));
            auto d_x = upload(x);
            auto d_pos = upload(positions);
            auto d_slots = upload(slots);
            auto d_q = poisoned<float>(static_cast<size_t>(rows) * q_dim);
            auto d_q_plain = poisoned<float>(static_cast<size_t>(rows) * q_dim);
            auto d_kv = poisoned<bf16_bits>(pool);
            auto d_kv_plain = poisoned<bf16_bits>(pool);
            auto d_dots = poisoned<float>(static_cast<size_t>(rows) * width);
            sg::cuda::QkvRope rope{c.bias ? d_bias.get() : nullptr, d_pos.get(), d_slots.get(), d_cos.get(), d_sin.get(), c.heads,
                                   c.kv_heads, c.head_dim, block_size, d_q.get(), d_kv.get()};
            sg::cuda::gemv_qkv_rope(d_w.get(), d_x.get(), rows, c.k, rope, nullptr);
            rope.q_out = d_q_plain.get();
            rope.kv_layer = d_kv_plain.get();
            sg::cuda::gemv(d_w.get(), d_x.get(), d_dots.get(), rows, width, c.k, false, nullptr);
            sg::cuda::qkv_rope_store(d_dots.get(), rows, rope, nullptr);
            const std::vector<float> q = download(d_q, static_cast<size_t>(rows) * q_dim);
            const std::vector<float> q_plain = download(d_q_plain, q.size());
            const std::vector<bf16_bits> kv = download(d_kv, pool), kv_plain = download(d_kv_plain, pool);
            const bool same = std::memcmp(q.data(), q_plain.data(), q.size() * sizeof(float)) == 0 &&
                              std::memcmp(kv.data(), kv_plain.data(), pool * sizeof(bf16_bits)) == 0;
            const std::vector<double> dots = matmul_reference(x, w, rows, width, c.k, nullptr);  // checkpoint order
            std::vector<double> want(q.size());
            for (int r = 0; r < rows; ++r)
                for (int h = 0; h < c.heads; ++h)
                    for (int i = 0; i < half; ++i) {
                        const int col = h * c.head_dim + i;
                        const double a = dots[static_cast<size_t>(r) * width + col] + (c.bias ? bias[col] : 0.0f);
                        const double b = dots[static_cast<size_t>(r) * width + col + half] + (c.bias ? bias[col + half] : 0.0f);
                        const double cs = cos_t[static_cast<size_t>(positions[r]) * half + i], sn = sin_t[static_cast<size_t>(positions[r]) * half + i];
                        want[static_cast<size_t>(r) * q_dim + col] = a * cs - b * sn;
                        want[static_cast<size_t>(r) * q_dim + col + half] = b * cs + a * sn;
                    }
            const double err = relative_error(q, want);
            char what[200];
            std::snprintf(what, sizeof what, "gemv_qkv_rope %d x [%d, %d]%s: q rel err %.2e; q and pool %s the unfused path's",
                          rows, width, c.k, c.bias ? " with bias" : "", err, same ? "equal" : "DIFFER FROM");
            check(err < 1e-4 && same, what);
        }
    }
}

// cuBLAS with the call the backend makes (bf16 in, float32 out, row-major weights as stored).
void check_cublas_gemm() {
    std::string reason;
    const sg::cuda::CublasApi *api = sg::cuda::cublas_api(&reason);
    check(api != nullptr, "cuBLAS loads: " + (api != nullptr ? api->library : reason));
    if (api == nullptr) return;
    sg::cuda::cublasHandle_t handle = nullptr;
    sg::cuda::check_cublas(api->create(&handle), "cublasCreate");
    int version = 0;
    api->get_version(handle, &version);
    std::printf("  cuBLAS version %d from %s\n", version, api->library.c_str());
    const int shapes[][3] = {{9, 2560, 2048}, {64, 11264, 2048}, {100, 72, 48}};
    for (const auto &s : shapes) {
        const int rows = s[0], n = s[1], k = s[2];
        const std::vector<bf16_bits> w = to_bf16(normal(static_cast<size_t>(n) * k)), x = to_bf16(normal(static_cast<size_t>(rows) * k));
        const std::vector<float> base = normal(static_cast<size_t>(rows) * n);
        auto d_w = upload(w);
        auto d_x = upload(x);
        for (bool accumulate : {false, true}) {
            auto d_y = accumulate ? upload(base) : poisoned<float>(static_cast<size_t>(rows) * n);
            const float alpha = 1.0f, beta = accumulate ? 1.0f : 0.0f;
            sg::cuda::check_cublas(api->gemm_ex(handle, sg::cuda::kCublasOpT, sg::cuda::kCublasOpN, n, rows, k, &alpha, d_w.get(),
                                                CUDA_R_16BF, k, d_x.get(), CUDA_R_16BF, k, &beta, d_y.get(), CUDA_R_32F, n,
                                                sg::cuda::kCublasCompute32F, sg::cuda::kCublasGemmDefault),
                                   "cublasGemmEx");
            const double err = relative_error(download(d_y, static_cast<size_t>(rows) * n),
                                              matmul_reference(x, w, rows, n, k, accumulate ? &base : nullptr));
            char what[160];
            std::snprintf(what, sizeof what, "cublasGemmEx %d x [%d, %d]%s: rel err %.2e", rows, n, k, accumulate ? " accumulating" : "", err);
            check(err < 1e-4, what);
        }
        // bf16 out, as the gate/up projection of large steps is stored: float32 accumulation, one rounding.
        auto d_h = poisoned<bf16_bits>(static_cast<size_t>(rows) * n);
        const float alpha = 1.0f, beta = 0.0f;
        sg::cuda::check_cublas(api->gemm_ex(handle, sg::cuda::kCublasOpT, sg::cuda::kCublasOpN, n, rows, k, &alpha, d_w.get(),
                                            CUDA_R_16BF, k, d_x.get(), CUDA_R_16BF, k, &beta, d_h.get(), CUDA_R_16BF, n,
                                            sg::cuda::kCublasCompute32F, sg::cuda::kCublasGemmDefault),
                               "cublasGemmEx");
        const double err = relative_error(widen(download(d_h, static_cast<size_t>(rows) * n)), matmul_reference(x, w, rows, n, k, nullptr));
        char what[160];
        std::snprintf(what, sizeof what, "cublasGemmEx %d x [%d, %d] to bf16: rel err %.2e", rows, n, k, err);
        check(err < 4e-3, what);
    }
    api->destroy(handle);
}

// The device sampler against engine/sampler.cpp on the same logits: the same tokens, logprobs and top lists.
void check_sampling() {
    struct Params {
        const char *name;
        float temperature;
        int top_k;
        float top_p, min_p, repetition, presence, frequency;
        int logprobs;
    };
    const Params cases[] = {
        {"greedy", 0.0f, 0, 1.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0},
        {"greedy with logprobs", 0.0f, 0, 1.0f, 0.0f, 1.0f, 0.0f, 0.0f, 5},
        {"temperature 1", 1.0f, 0, 1.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0},
        {"temperature 0.7 min_p 0.05", 0.7f, 0, 1.0f, 0.05f, 1.0f, 0.0f, 0.0f, 3},
        {"top_k 1", 1.0f, 1, 1.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0},
        {"top_k 40", 0.8f, 40, 1.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0},
        {"top_p 0.9", 1.2f, 0, 0.9f, 0.0f, 1.0f, 0.0f, 0.0f, 2},
        {"top_k 50 top_p 0.5 min_p 0.1", 1.0f, 50, 0.5f, 0.1f, 1.0f, 0.0f, 0.0f, 0},
        {"penalties, greedy", 0.0f, 0, 1.0f, 0.0f, 1.3f, 0.4f, 0.2f, 0},
        {"penalties, top_p 0.95", 0.9f, 0, 0.95f, 0.0f, 1.1f, 0.5f, 0.3f, 4},
    };
    const int max_logprobs = 8;
    for (int vocab : {32000, 701, 37}) {
        const int n = quick ? 24 : 96;
        std::vector<float> logits = normal(static_cast<size_t>(n) * vocab, 2.5f);
        for (int r = 0; r < n; ++r) {  // ties: copies of the row's largest value and of a few others
            float *row = logits.data() + static_cast<size_t>(r) * vocab;
            const float top = *std::max_element(row, row + vocab);
            row[rng() % vocab] = top;
            for (int k = 0; k < 5; ++k) row[rng() % vocab] = row[rng() % vocab];
        }
        auto d_logits = upload(logits);
        for (const Params &c : cases) {
            std::vector<sg::cuda::SampleRequest> requests(n);
            std::vector<std::vector<int32_t>> histories(n);
            std::vector<int32_t> history_flat;
            std::vector<sg_batch_entry> entries(n);
            const bool penalised = c.repetition != 1.0f || c.presence != 0.0f || c.frequency != 0.0f;
            for (int r = 0; r < n; ++r) {
                const int h = penalised ? static_cast<int>(rng() % 300) : 0;
                for (int j = 0; j < h; ++j) histories[r].push_back(static_cast<int32_t>(rng() % std::min(vocab, 64)));
                sg::cuda::SampleRequest &q = requests[r];
                std::memset(&q, 0, sizeof q);
                q.temperature = c.temperature;
                q.top_k = c.top_k;
                q.top_p = c.top_p;
                q.min_p = c.min_p;
                q.repetition_penalty = c.repetition;
                q.presence_penalty = c.presence;
                q.frequency_penalty = c.frequency;
                q.logprobs = c.logprobs;
                q.seed = rng();
                q.position = static_cast<int64_t>(rng() % 5000);
                q.logit_row = r;
                q.history_offset = static_cast<int32_t>(history_flat.size());
                q.history_length = h;
                history_flat.insert(history_flat.end(), histories[r].begin(), histories[r].end());
                sg_batch_entry &e = entries[r];
                std::memset(&e, 0, sizeof e);
                e.history = histories[r].data();
                e.n_history = h;
                e.sampling.temperature = c.temperature;
                e.sampling.top_k = c.top_k;
                e.sampling.top_p = c.top_p;
                e.sampling.min_p = c.min_p;
                e.sampling.repetition_penalty = c.repetition;
                e.sampling.presence_penalty = c.presence;
                e.sampling.frequency_penalty = c.frequency;
                e.sampling.logprobs = c.logprobs;
                e.sampling.seed = q.seed;
            }
            auto d_requests = upload(requests);
            auto d_history = upload(history_flat);
            DeviceArray<float> work(static_cast<size_t>(n) * vocab);
            DeviceArray<int32_t> counts(static_cast<size_t>(n) * vocab);
            SG_CUDA_CHECK(cudaMemset(counts.get(), 0, counts.bytes()));
            auto d_tokens = poisoned<int32_t>(n);
            auto d_logprobs = poisoned<float>(n);
            auto d_top_tokens = poisoned<int32_t>(static_cast<size_t>(n) * max_logprobs);
            auto d_top_logprobs = poisoned<float>(static_cast<size_t>(n) * max_logprobs);
            sg::cuda::sample(d_logits.get(), vocab, d_requests.get(), n, d_history.get(), work.get(), counts.get(), max_logprobs,
                             d_tokens.get(), d_logprobs.get(), d_top_tokens.get(), d_top_logprobs.get(), nullptr);
            const std::vector<int32_t> tokens = download(d_tokens, n), top_tokens = download(d_top_tokens, static_cast<size_t>(n) * max_logprobs);
            const std::vector<float> logprobs = download(d_logprobs, n), top_logprobs = download(d_top_logprobs, static_cast<size_t>(n) * max_logprobs);
            const std::vector<int32_t> counts_after = download(counts, static_cast<size_t>(n) * vocab);
            int token_mismatch = 0, logprob_mismatch = 0, distinct = 0;
            std::vector<int32_t> seen;
            sg::Sampler sampler;
            for (int r = 0; r < n; ++r) {
                int32_t token = -1, top_t[max_logprobs];
                float logprob = 0, top_l[max_logprobs];
                sampler.sample(logits.data() + static_cast<size_t>(r) * vocab, vocab, entries[r], requests[r].position, max_logprobs,
                               &token, &logprob, top_t, top_l);
                token_mismatch += tokens[r] != token;
                if (std::find(seen.begin(), seen.end(), tokens[r]) == seen.end()) seen.push_back(tokens[r]), ++distinct;
                const bool want_nan = c.logprobs == 0;
                if (want_nan ? !std::isnan(logprobs[r]) : !(std::fabs(logprobs[r] - logprob) <= 1e-4f)) ++logprob_mismatch;
                for (int j = 0; j < max_logprobs; ++j) {
                    const size_t at = static_cast<size_t>(r) * max_logprobs + j;
                    if (top_tokens[at] != top_t[j]) ++logprob_mismatch;
                    if (top_t[j] >= 0 ? !(std::fabs(top_logprobs[at] - top_l[j]) <= 1e-4f) : !std::isnan(top_logprobs[at])) ++logprob_mismatch;
                }
            }
            bool zeroed = true;
            for (int32_t v : counts_after) zeroed &= v == 0;
            char what[200];
            std::snprintf(what, sizeof what, "sampling %s, vocab %d: %d of %d tokens differ from the host sampler (%d distinct), %d logprob mismatches%s",
                          c.name, vocab, token_mismatch, n, distinct, logprob_mismatch, zeroed ? "" : ", counts left dirty");
            check(token_mismatch == 0 && logprob_mismatch == 0 && zeroed, what);
        }
    }
}

// ---- whole engines ---------------------------------------------------------------------------------------------

struct RandomModel {
    sg_model_config config{};
    std::vector<sg::tools::TensorShape> shapes;  // the tensors' names live here
    std::vector<std::vector<uint16_t>> data;
    std::vector<sg_tensor_info> tensors;
};

RandomModel random_model(int hidden, int layers, int heads, int kv_heads, int inter, int vocab, int context, bool qwen) {
    RandomModel m;
    m.config = sg::tools::llama_config(vocab, hidden, inter, layers, heads, kv_heads, context);
    sg_model_config &c = m.config;
    c.architecture = qwen ? SG_ARCH_QWEN2 : SG_ARCH_LLAMA;
    c.tie_word_embeddings = qwen ? 1 : 0;
    c.rope_type = qwen ? SG_ROPE_DEFAULT : SG_ROPE_LLAMA3;
    c.rope_theta = qwen ? 1e6f : 5e5f;
    c.rope_factor = 8.0f;
    c.rope_low_freq_factor = 1.0f;
    c.rope_high_freq_factor = 4.0f;
    c.rope_original_max_position_embeddings = 256;
    m.shapes = sg::tools::checkpoint_shapes(c);
    for (const sg::tools::TensorShape &s : m.shapes) {
        const size_t count = s.elements();
        const bool vector = s.shape.size() == 1;
        const bool norm = s.name.find("norm") != std::string::npos;
        const float scale = vector ? 0.1f : 1.0f / std::sqrt(static_cast<float>(s.shape[1]));
        std::vector<float> v = normal(count, scale);
        if (norm)
            for (float &f : v) f += 1.0f;
        if (s.name == "model.embed_tokens.weight" || s.name == "lm_head.weight")
            for (float &f : v) f *= 4.0f;  // logits with some spread
        m.data.push_back(to_bf16(v));
        m.tensors.push_back(sg::tools::tensor_info(s, m.data.back().data(), SG_DTYPE_BF16));
    }
    return m;
}

sg_engine *create(const RandomModel &m, int backend, int graphs, int blocks, bool programmatic = true) {
    sg_engine_params p = sg_engine_default_params();
    p.backend = backend;
    p.cuda_programmatic_launch = programmatic ? 1 : 0;
    p.kv_block_size = 16;
    p.kv_num_blocks = blocks;
    p.cuda_graph_max_batch = graphs;
    p.max_batch_tokens = 256;  // small buffers: the long prefill steps below make them grow
    sg_engine *engine = nullptr;
    if (sg_engine_create(&m.config, m.tensors.data(), static_cast<int32_t>(m.tensors.size()), &p, &engine) != SG_OK) {
        std::printf("  engine creation failed: %s\n", sg_last_error());
        return nullptr;
    }
    return engine;
}

// Sequences start one per step with prompts of mixed lengths (prefilled in chunks of up to 96 tokens, beside
// others' decode tokens), then decode. Every engine is fed the CPU engine's greedy tokens, so their logits stay
// comparable step by step; the comparison is relative to the logits' scale (bf16 weights, bf16 activations).
// The CUDA engines: eager steps, graph replay, and graph replay with plain launches. The last two run the same
// kernels on the same data in the same order, so they must agree bit for bit: a kernel that reads its
// predecessor's output before its programmatic wait would show up as a difference there on a GPU.
void check_engines(bool qwen) {
    const int vocab = 1000, context = 1024, n_seq = quick ? 4 : 7, gen = quick ? 6 : 16;
    RandomModel m = random_model(256, 2, 8, 2, 512, vocab, context, qwen);
    const int blocks_per_seq = context / 16, blocks = blocks_per_seq * n_seq;
    sg_engine *cpu = create(m, SG_BACKEND_CPU, 0, blocks);
    sg_engine *eager = create(m, SG_BACKEND_CUDA, 0, blocks);
    sg_engine *graphs = create(m, SG_BACKEND_CUDA, 64, blocks);
    sg_engine *plain = create(m, SG_BACKEND_CUDA, 64, blocks, false);
    sg_engine *const engines[4] = {cpu, eager, graphs, plain};
    const auto free_all = [&engines] {
        for (sg_engine *e : engines) sg_engine_free(e);
    };
    check(cpu && eager && graphs && plain, std::string("engines created (") + (qwen ? "qwen2" : "llama3 rope") + ")");
    if (!cpu || !eager || !graphs || !plain) {
        free_all();
        return;
    }
    check(std::string(sg_engine_backend_name(graphs)).rfind("cuda-sm", 0) == 0, std::string("backend name ") + sg_engine_backend_name(graphs));
    const int prompt_lengths[] = {1, 700, 37, 300, 5, 129, 64};
    std::vector<std::vector<int32_t>> tokens(n_seq), tables(n_seq);
    std::vector<int> cached(n_seq, 0), prompt(n_seq), generated(n_seq, 0);
    for (int s = 0; s < n_seq; ++s) {
        prompt[s] = prompt_lengths[s];
        for (int i = 0; i < prompt[s]; ++i) tokens[s].push_back(static_cast<int32_t>(rng() % vocab));
        for (int b = 0; b < blocks_per_seq; ++b) tables[s].push_back((b * n_seq + s) % blocks);  // interleaved blocks
    }
    double worst_cpu = 0, worst_graph = 0;
    int graph_token_mismatch = 0, steps = 0, graph_steps = 0;
    size_t launch_mode_differences = 0;
    for (int step = 0;; ++step) {
        std::vector<sg_batch_entry> batch;
        std::vector<int> who;
        for (int s = 0; s < n_seq && s <= step; ++s) {
            if (generated[s] >= gen) continue;
            sg_batch_entry e;
            std::memset(&e, 0, sizeof e);
            const int remaining = static_cast<int>(tokens[s].size()) - cached[s];
            e.n_tokens = std::min(remaining, 96);
            e.tokens = tokens[s].data() + cached[s];
            e.position = cached[s];
            e.block_table = tables[s].data();
            e.n_blocks = blocks_per_seq;
            e.sample = cached[s] + e.n_tokens == static_cast<int>(tokens[s].size());
            e.sampling.top_p = 1.0f;
            e.sampling.repetition_penalty = 1.0f;
            e.sampling.logprobs = 2;
            batch.push_back(e);
            who.push_back(s);
        }
        if (batch.empty()) break;
        const int n = static_cast<int>(batch.size());
        bool decode_only = true;
        for (const sg_batch_entry &e : batch) decode_only &= e.n_tokens == 1;
        std::vector<float> logits[4];
        std::vector<int32_t> sampled[4];
        for (int k = 0; k < 4; ++k) {
            logits[k].assign(static_cast<size_t>(n) * vocab, NAN);
            sampled[k].assign(n, -1);
            std::vector<float> lp(n), top_l(static_cast<size_t>(n) * 20);
            std::vector<int32_t> top_t(static_cast<size_t>(n) * 20);
            sg_step_output out{sampled[k].data(), lp.data(), top_t.data(), top_l.data(), logits[k].data()};
            if (sg_engine_step(engines[k], batch.data(), n, SG_LOGITS_LAST, &out) != SG_OK) {
                check(false, std::string("step failed: ") + sg_last_error());
                free_all();
                return;
            }
        }
        for (int i = 0; i < n; ++i) {
            const float *c = logits[0].data() + static_cast<size_t>(i) * vocab;
            double scale = 0, d_cpu = 0, d_graph = 0;
            for (int v = 0; v < vocab; ++v) {
                scale = std::max(scale, static_cast<double>(std::fabs(c[v])));
                const float e = logits[1][static_cast<size_t>(i) * vocab + v], g = logits[2][static_cast<size_t>(i) * vocab + v];
                d_cpu = std::isfinite(e) ? std::max(d_cpu, static_cast<double>(std::fabs(e - c[v]))) : INFINITY;
                d_graph = std::isfinite(g) ? std::max(d_graph, static_cast<double>(std::fabs(g - e))) : INFINITY;
            }
            worst_cpu = std::max(worst_cpu, d_cpu / scale);
            worst_graph = std::max(worst_graph, d_graph / scale);
        }
        for (int i = 0; i < n; ++i) {
            if (!batch[i].sample) continue;
            graph_token_mismatch += sampled[1][i] != sampled[2][i] ? 1 : 0;
            launch_mode_differences += sampled[2][i] != sampled[3][i] ? 1 : 0;
        }
        launch_mode_differences += std::memcmp(logits[2].data(), logits[3].data(), logits[2].size() * sizeof(float)) != 0;
        ++steps;
        graph_steps += decode_only && n <= 64;
        // Advance every sequence with the CPU engine's choices.
        int slot = 0;
        for (int i = 0; i < n; ++i) {
            const int s = who[i];
            cached[s] += batch[i].n_tokens;
            if (batch[i].sample) {
                tokens[s].push_back(sampled[0][slot]);
                ++generated[s];
            }
            if (batch[i].sample) ++slot;
        }
    }
    char what[240];
    std::snprintf(what, sizeof what, "%s engine, %d steps (%d decode-only): CUDA logits vs CPU within %.2e of the logit scale",
                  qwen ? "qwen2" : "llama", steps, graph_steps, worst_cpu);
    check(worst_cpu < 2e-2, what);
    std::snprintf(what, sizeof what, "%s engine: graph replay vs eager within %.2e of the logit scale, %d sampled tokens differ",
                  qwen ? "qwen2" : "llama", worst_graph, graph_token_mismatch);
    check(worst_graph < 2e-3 && graph_token_mismatch == 0, what);
    std::snprintf(what, sizeof what, "%s engine: programmatic and plain launches agree bit for bit (%zu steps or tokens differ)",
                  qwen ? "qwen2" : "llama", launch_mode_differences);
    check(launch_mode_differences == 0, what);
    free_all();
}

// Achieved bandwidth of back-to-back decode matmuls at TinyLlama's largest and smallest layer matrices, with
// plain and with programmatic launches (information, not a check: the ratio shows what the overlap buys).
void time_gemv() {
    struct Shape {
        int n, k;
        const char *what;
    };
    const Shape shapes[] = {{2 * 5632, 2048, "gate_up"}, {2048, 2048, "o_proj"}};
    const int reps = 64, copies = 16;  // 16 copies of either matrix are more than the L2 holds
    cudaStream_t stream = nullptr;
    SG_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    cudaEvent_t start, stop;
    SG_CUDA_CHECK(cudaEventCreate(&start));
    SG_CUDA_CHECK(cudaEventCreate(&stop));
    for (const Shape &s : shapes) {
        const size_t matrix = static_cast<size_t>(s.n) * s.k;
        DeviceArray<bf16_bits> w(matrix * copies);
        SG_CUDA_CHECK(cudaMemset(w.get(), 0x3c, w.bytes()));
        DeviceArray<bf16_bits> x(s.k);
        SG_CUDA_CHECK(cudaMemset(x.get(), 0x3c, x.bytes()));
        DeviceArray<float> y(s.n);
        float us[2] = {0, 0};
        for (int mode = 0; mode < 2; ++mode) {
            const sg::cuda::KernelStream on(stream, mode == 1);
            for (int i = 0; i < copies; ++i) sg::cuda::gemv(w.get() + i * matrix, x.get(), y.get(), 1, s.n, s.k, false, on);
            SG_CUDA_CHECK(cudaEventRecord(start, stream));
            for (int i = 0; i < reps; ++i)
                sg::cuda::gemv(w.get() + (i % copies) * matrix, x.get(), y.get(), 1, s.n, s.k, false, on);
            SG_CUDA_CHECK(cudaEventRecord(stop, stream));
            SG_CUDA_CHECK(cudaEventSynchronize(stop));
            float ms = 0;
            SG_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
            us[mode] = 1000.0f * ms / reps;
        }
        const double bytes = 2.0 * static_cast<double>(matrix);
        std::printf("  info  gemv 1 x [%d, %d] bf16 (%s), %d back to back: plain %.1f us (%.0f GB/s), programmatic %.1f us "
                    "(%.0f GB/s), %.2fx\n",
                    s.n, s.k, s.what, reps, us[0], bytes / (us[0] * 1e-6) / 1e9, us[1], bytes / (us[1] * 1e-6) / 1e9,
                    us[0] / us[1]);
    }
    SG_CUDA_CHECK(cudaEventDestroy(start));
    SG_CUDA_CHECK(cudaEventDestroy(stop));
    SG_CUDA_CHECK(cudaStreamDestroy(stream));
}

}  // namespace

int main(int argc, char **argv) {
    bool probe = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0) quick = true;
        else if (std::strcmp(argv[i], "--probe") == 0) probe = true;
        else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) rng.seed(std::strtoull(argv[++i], nullptr, 10));
        else {
            std::fprintf(stderr, "usage: sg_cuda_check [--quick] [--seed N] [--probe]\n");
            return 2;
        }
    }
    if (sg_backend_probe(SG_BACKEND_CUDA) != SG_OK) {
        std::printf("sg_cuda_check: the CUDA backend cannot run here: %s\n", sg_last_error());
        return 3;
    }
    if (probe) {
        std::printf("sg_cuda_check: the CUDA backend can run here\n");
        return 0;
    }
    cudaDeviceProp props{};
    cudaGetDeviceProperties(&props, 0);
    std::printf("sg_cuda_check on %s (sm_%d%d, %d SMs, %.1f GiB)%s\n", props.name, props.major, props.minor,
                props.multiProcessorCount, props.totalGlobalMem / 1073741824.0, quick ? ", quick" : "");
    // Each group on its own, so that one group's exception does not hide the others' verdicts; a sticky device
    // error (a fault in a kernel) ends the run, since nothing after it can execute.
    struct Group {
        const char *name;
        void (*run)();
    };
    const Group groups[] = {
        {"embedding", check_embedding},
        {"rms_norm", check_rms_norm},
        {"qkv_rope_store", check_qkv_rope_store},
        {"swiglu/bias", check_swiglu_bias},
        {"gemv", check_gemv},
        {"gemv_swiglu", check_gemv_swiglu},
        {"gemv_qkv_rope", check_gemv_qkv_rope},
        {"cublas", check_cublas_gemm},
        {"attention", check_attention},
        {"sampling", check_sampling},
        {"llama engine", [] { check_engines(false); }},
        {"qwen2 engine", [] { check_engines(true); }},
        {"gemv timing", [] { if (!quick) time_gemv(); }},
    };
    for (const Group &g : groups) {
        try {
            g.run();
        } catch (const std::exception &e) {
            check(false, std::string(g.name) + ": exception: " + e.what());
        }
        const cudaError_t sticky = cudaDeviceSynchronize();
        if (sticky != cudaSuccess) {
            check(false, std::string(g.name) + ": the device reports " + cudaGetErrorName(sticky) +
                             "; the checks after it cannot run (compute-sanitizer locates the fault)");
            break;
        }
    }
    std::printf("sg_cuda_check: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
