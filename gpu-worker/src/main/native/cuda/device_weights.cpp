#include "device_weights.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "../engine/dtype.h"

namespace sg::cuda {
namespace {

constexpr size_t kAlign = 256;
constexpr size_t kStagingBytes = 32u << 20;

size_t aligned(size_t bytes) { return (bytes + kAlign - 1) / kAlign * kAlign; }

// Elements [start, start + n) of `m` as bf16: copied when they are, rounded to nearest even otherwise.
void to_bf16(const Matrix &m, size_t start, size_t n, uint16_t *out) {
    if (m.dtype == SG_DTYPE_BF16) {
        std::memcpy(out, static_cast<const uint16_t *>(m.data) + start, n * 2);
    } else if (m.dtype == SG_DTYPE_F32) {
        const float *in = static_cast<const float *>(m.data) + start;
        for (size_t i = 0; i < n; ++i) out[i] = f32_to_bf16(in[i]);
    } else {
        const uint16_t *in = static_cast<const uint16_t *>(m.data) + start;
        for (size_t i = 0; i < n; ++i) out[i] = f32_to_bf16(f16_to_f32(in[i]));
    }
}

// Copies host data to the device through a pinned staging buffer, converting matrices to bf16 on the way.
class Uploader {
public:
    explicit Uploader(unsigned char *device) : device_(device) { staging_.reserve(kStagingBytes); }

    // Rows [0, m.rows) of `m` as bf16 at byte `offset` of the device storage.
    void matrix(const Matrix &m, size_t offset) {
        gather(static_cast<size_t>(m.rows), m.cols, offset, [&m](size_t j) { return std::make_pair(&m, j); });
    }

    // Row j of the result is row order[j] of `m`, at byte `offset`.
    void reordered(const Matrix &m, const std::vector<int> &order, size_t offset) {
        gather(order.size(), m.cols, offset,
               [&m, &order](size_t j) { return std::make_pair(&m, static_cast<size_t>(order[j])); });
    }

    // Two matrices of one shape with their rows interleaved (a0, b0, a1, b1, ...) at byte `offset`.
    void interleaved(const Matrix &a, const Matrix &b, size_t offset) {
        gather(2 * static_cast<size_t>(a.rows), a.cols, offset,
               [&a, &b](size_t j) { return std::make_pair(j % 2 == 0 ? &a : &b, j / 2); });
    }

    void floats(const std::vector<float> &v, size_t offset) {
        if (v.empty()) return;
        SG_CUDA_CHECK(cudaMemcpy(device_ + offset, v.data(), v.size() * 4, cudaMemcpyHostToDevice));
    }

private:
    // Rows [0, count) of a [count, cols] bf16 result at byte `offset`: row j is row `source(j).second` of matrix
    // `*source(j).first`. As many rows as fit go through the staging buffer per copy.
    template <class Source>
    void gather(size_t count, int64_t cols, size_t offset, Source source) {
        const size_t width = static_cast<size_t>(cols);
        if (count == 0 || width == 0) return;
        const size_t rows_per_chunk = std::max<size_t>(1, kStagingBytes / (2 * width));
        uint16_t *out = reinterpret_cast<uint16_t *>(staging_.get());
        for (size_t first = 0; first < count; first += rows_per_chunk) {
            const size_t rows = std::min(rows_per_chunk, count - first);
            for (size_t j = 0; j < rows; ++j) {
                const auto [m, row] = source(first + j);
                to_bf16(*m, row * width, width, out + j * width);
            }
            SG_CUDA_CHECK(cudaMemcpy(device_ + offset + first * 2 * width, out, rows * 2 * width, cudaMemcpyHostToDevice));
        }
    }

    unsigned char *device_;
    PinnedArray<unsigned char> staging_;
};

// The rotary pairs of each head made adjacent: output j = 2i + e of a head is its dim i + e * head_dim / 2.
std::vector<int> rotary_pair_order(int rows, int head_dim) {
    std::vector<int> order(static_cast<size_t>(rows));
    const int half = head_dim / 2;
    for (int j = 0; j < rows; ++j) {
        const int head = j / head_dim, within = j % head_dim;
        order[static_cast<size_t>(j)] = head * head_dim + within / 2 + (within % 2) * half;
    }
    return order;
}

template <class T>
std::vector<T> gathered(const std::vector<T> &v, const std::vector<int> &order) {
    std::vector<T> out(order.size());
    for (size_t j = 0; j < order.size(); ++j) out[j] = v[static_cast<size_t>(order[j])];
    return out;
}

size_t matrix_bytes(const Matrix &m) { return static_cast<size_t>(m.rows) * static_cast<size_t>(m.cols) * 2; }

}  // namespace

DeviceWeights::DeviceWeights(const Model &model) {
    const ModelDims &d = model.dims();
    const bool tied = model.lm_head().data == model.embed_tokens().data;
    // Plan the offsets, then allocate once.
    size_t total = 0;
    auto take = [&total](size_t bytes) {
        const size_t at = total;
        total += aligned(bytes);
        return at;
    };
    struct LayerOffsets {
        size_t qkv, o, gate_up, down, input_norm, post_norm, qkv_bias, o_bias;
    };
    const size_t embed_at = take(matrix_bytes(model.embed_tokens()));
    const size_t lm_head_at = tied ? embed_at : take(matrix_bytes(model.lm_head()));
    const size_t final_norm_at = take(static_cast<size_t>(d.hidden) * 4);
    std::vector<LayerOffsets> offsets;
    for (const LayerWeights &w : model.layers()) {
        LayerOffsets o{};
        o.qkv = take(matrix_bytes(w.q_proj) + matrix_bytes(w.k_proj) + matrix_bytes(w.v_proj));
        o.o = take(matrix_bytes(w.o_proj));
        o.gate_up = take(matrix_bytes(w.gate_proj) + matrix_bytes(w.up_proj));
        o.down = take(matrix_bytes(w.down_proj));
        o.input_norm = take(w.input_norm.size() * 4);
        o.post_norm = take(w.post_attention_norm.size() * 4);
        o.qkv_bias = w.q_bias.empty() ? 0 : take((w.q_bias.size() + w.k_bias.size() + w.v_bias.size()) * 4);
        o.o_bias = w.o_bias.empty() ? 0 : take(w.o_bias.size() * 4);
        offsets.push_back(o);
    }
    storage_.resize(total);
    unsigned char *base = storage_.get();
    Uploader up(base);
    auto matrix_at = [base](size_t at, int rows, int cols) {
        DeviceMatrix m;
        m.data = reinterpret_cast<const bf16_bits *>(base + at);
        m.rows = rows;
        m.cols = cols;
        return m;
    };
    up.matrix(model.embed_tokens(), embed_at);
    embed_ = matrix_at(embed_at, d.vocab, d.hidden);
    if (!tied) up.matrix(model.lm_head(), lm_head_at);
    lm_head_ = matrix_at(lm_head_at, d.vocab, d.hidden);
    up.floats(model.final_norm(), final_norm_at);
    final_norm_ = reinterpret_cast<const float *>(base + final_norm_at);
    bytes_per_step_ = matrix_bytes(model.lm_head());
    const std::vector<int> q_order = rotary_pair_order(d.q_dim, d.head_dim), k_order = rotary_pair_order(d.kv_dim, d.head_dim);
    for (size_t l = 0; l < model.layers().size(); ++l) {
        const LayerWeights &w = model.layers()[l];
        const LayerOffsets &o = offsets[l];
        DeviceLayer layer;
        up.reordered(w.q_proj, q_order, o.qkv);
        up.reordered(w.k_proj, k_order, o.qkv + matrix_bytes(w.q_proj));
        up.matrix(w.v_proj, o.qkv + matrix_bytes(w.q_proj) + matrix_bytes(w.k_proj));
        layer.qkv = matrix_at(o.qkv, d.q_dim + 2 * d.kv_dim, d.hidden);
        up.matrix(w.o_proj, o.o);
        layer.o = matrix_at(o.o, d.hidden, d.q_dim);
        up.interleaved(w.gate_proj, w.up_proj, o.gate_up);
        layer.gate_up = matrix_at(o.gate_up, 2 * d.intermediate, d.hidden);
        up.matrix(w.down_proj, o.down);
        layer.down = matrix_at(o.down, d.hidden, d.intermediate);
        up.floats(w.input_norm, o.input_norm);
        up.floats(w.post_attention_norm, o.post_norm);
        layer.input_norm = reinterpret_cast<const float *>(base + o.input_norm);
        layer.post_attention_norm = reinterpret_cast<const float *>(base + o.post_norm);
        if (!w.q_bias.empty()) {
            std::vector<float> bias = gathered(w.q_bias, q_order);
            const std::vector<float> k_bias = gathered(w.k_bias, k_order);
            bias.insert(bias.end(), k_bias.begin(), k_bias.end());
            bias.insert(bias.end(), w.v_bias.begin(), w.v_bias.end());
            up.floats(bias, o.qkv_bias);
            layer.qkv_bias = reinterpret_cast<const float *>(base + o.qkv_bias);
        }
        if (!w.o_bias.empty()) {
            up.floats(w.o_bias, o.o_bias);
            layer.o_bias = reinterpret_cast<const float *>(base + o.o_bias);
        }
        bytes_per_step_ += matrix_bytes(w.q_proj) + matrix_bytes(w.k_proj) + matrix_bytes(w.v_proj) + matrix_bytes(w.o_proj) +
                           matrix_bytes(w.gate_proj) + matrix_bytes(w.up_proj) + matrix_bytes(w.down_proj);
        layers_.push_back(layer);
    }
}

}  // namespace sg::cuda
