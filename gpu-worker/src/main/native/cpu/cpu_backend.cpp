// The CPU forward pass. Every weight matrix is applied to the whole flat token matrix of the step at
// once (all prefill chunks and decode tokens together), split across threads by output rows, so each
// weight byte is read from memory once per step: decode is bound by memory bandwidth, not by the
// number of sequences in the batch.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "../engine/backend.h"
#include "../engine/dtype.h"
#include "../engine/errors.h"
#include "../engine/kv_cache.h"
#include "../engine/memory_plan.h"
#include "../engine/sampler.h"
#include "kernels.h"
#include "thread_pool.h"

namespace sg {
namespace {

// Below this many multiply-adds (tens of microseconds on one core) a kernel runs on the calling thread:
// handing work to the team costs microseconds when cores are free, and far more when they are shared.
constexpr double kParallelWork = 1 << 18;

int pool_blocks(const ModelDims &dims, const sg_engine_params &p) {
    if (p.kv_num_blocks > 0) return p.kv_num_blocks;
    const uint64_t per_block = kv_bytes_per_block(dims, p.kv_block_size, static_cast<int>(dtype_size(p.kv_dtype)));
    return kv_blocks_for_budget(static_cast<uint64_t>(p.kv_cache_mib) << 20, per_block, "kv_cache_mib");
}

class CpuBackend final : public Backend {
public:
    CpuBackend(const Model &model, const sg_engine_params &params, const CpuKernels &kernels)
        : model_(model),
          d_(model.dims()),
          k_(kernels),
          kv_(model.dims(), params.kv_block_size, pool_blocks(model.dims(), params), params.kv_dtype),
          threads_(params.n_threads > 0 ? params.n_threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()))),
          pool_(threads_),
          max_logprobs_(params.max_logprobs),
          name_(std::string("cpu-") + kernels.name),
          scores_(threads_),
          samplers_(threads_) {}

    const char *name() const override { return name_.c_str(); }
    int kv_num_blocks() const override { return kv_.num_blocks(); }

    void step(const StepBatch &b, const sg_step_output &out) override;

private:
    void matmul(const float *x, int64_t rows, const Matrix &w, const float *bias, float *y, bool accumulate);
    void rms_norm(const float *x, int64_t rows, const std::vector<float> &weight, float *y);
    void rope(float *v, int rows, int heads, int stride);
    void write_kv(int layer, const StepBatch &b);
    void attention(int layer, const StepBatch &b);
    void sample(const StepBatch &b, const sg_step_output &out);

    const Model &model_;
    const ModelDims &d_;
    const CpuKernels &k_;
    KvCache kv_;
    const int threads_;
    ThreadPool pool_;
    const int max_logprobs_;
    const std::string name_;
    std::vector<float> x_, h_, q_, k_rows_, v_rows_, att_, gate_, up_, cos_, sin_, final_, logits_;
    std::vector<int32_t> row_entry_, row_pos_;
    std::vector<std::vector<float>> scores_;
    std::vector<Sampler> samplers_;
};

void CpuBackend::matmul(const float *x, int64_t rows, const Matrix &w, const float *bias, float *y, bool accumulate) {
    const int64_t n = w.rows, k = w.cols, tiles = (n + 3) / 4;
    const int team = static_cast<double>(rows) * n * k < kParallelWork
                         ? 1
                         : static_cast<int>(std::min<int64_t>(threads_, tiles));
    // Contiguous ranges of 4-row tiles: each thread streams its own slice of the matrix.
    pool_.run(team, [&](int64_t part, int) {
        const int64_t begin = tiles * part / team * 4, end = std::min(n, tiles * (part + 1) / team * 4);
        if (begin < end) k_.matmul(x, rows, k, w.data, w.dtype, bias, y, n, begin, end, accumulate ? 1 : 0);
    });
}

void CpuBackend::rms_norm(const float *x, int64_t rows, const std::vector<float> &weight, float *y) {
    const int64_t h = d_.hidden;
    const float eps = model_.config().rms_norm_eps;
    const int64_t parts = rows * h > kParallelWork ? std::min<int64_t>(threads_, rows) : 1;
    pool_.run(parts, [&](int64_t part, int) {
        for (int64_t t = rows * part / parts; t < rows * (part + 1) / parts; ++t) {
            const float *in = x + t * h;
            float *o = y + t * h;
            double sum = 0.0;
            for (int64_t i = 0; i < h; ++i) sum += static_cast<double>(in[i]) * in[i];
            const float scale = static_cast<float>(1.0 / std::sqrt(sum / h + eps));
            for (int64_t i = 0; i < h; ++i) o[i] = weight[i] * (in[i] * scale);
        }
    });
}

// Rotates pairs (i, i + head_dim/2) of every head, the "rotate_half" convention of HF Llama checkpoints.
void CpuBackend::rope(float *v, int rows, int heads, int stride) {
    const int half = d_.head_dim / 2;
    for (int t = 0; t < rows; ++t) {
        const float *c = cos_.data() + static_cast<size_t>(t) * half, *s = sin_.data() + static_cast<size_t>(t) * half;
        for (int hd = 0; hd < heads; ++hd) {
            float *x = v + static_cast<size_t>(t) * stride + static_cast<size_t>(hd) * d_.head_dim;
            for (int i = 0; i < half; ++i) {
                const float a = x[i], b = x[i + half];
                x[i] = a * c[i] - b * s[i];
                x[i + half] = b * c[i] + a * s[i];
            }
        }
    }
}

void CpuBackend::write_kv(int layer, const StepBatch &b) {
    const int hd = d_.head_dim, bs = kv_.block_size();
    const size_t elem = dtype_size(kv_.dtype());
    for (int t = 0; t < b.n_tokens; ++t) {
        const sg_batch_entry &e = b.entries[row_entry_[t]];
        const int p = row_pos_[t], block = e.block_table[p / bs];
        const size_t slot = static_cast<size_t>(p % bs) * hd * elem;
        for (int g = 0; g < d_.kv_heads; ++g) {
            const float *k_src = k_rows_.data() + static_cast<size_t>(t) * d_.kv_dim + static_cast<size_t>(g) * hd;
            const float *v_src = v_rows_.data() + static_cast<size_t>(t) * d_.kv_dim + static_cast<size_t>(g) * hd;
            unsigned char *k_dst = static_cast<unsigned char *>(kv_.keys(layer, block, g)) + slot;
            unsigned char *v_dst = static_cast<unsigned char *>(kv_.values(layer, block, g)) + slot;
            if (kv_.dtype() == SG_DTYPE_F32) {
                std::memcpy(k_dst, k_src, static_cast<size_t>(hd) * 4);
                std::memcpy(v_dst, v_src, static_cast<size_t>(hd) * 4);
            } else {
                uint16_t *kd = reinterpret_cast<uint16_t *>(k_dst), *vd = reinterpret_cast<uint16_t *>(v_dst);
                for (int i = 0; i < hd; ++i) {
                    kd[i] = f32_to_bf16(k_src[i]);
                    vd[i] = f32_to_bf16(v_src[i]);
                }
            }
        }
    }
}

// Causal attention of every new token over its own sequence's positions 0..p, read through the block
// table; the query heads sharing a KV head are processed together so each K/V row is read once.
void CpuBackend::attention(int layer, const StepBatch &b) {
    const int hd = d_.head_dim, group = d_.heads / d_.kv_heads, bs = kv_.block_size(), dtype = kv_.dtype();
    const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
    const int64_t units = static_cast<int64_t>(b.n_tokens) * d_.kv_heads;
    const double work = static_cast<double>(units) * b.max_context * hd * group;
    auto unit = [&](int64_t u, int thread) {
        const int t = static_cast<int>(u / d_.kv_heads), g = static_cast<int>(u % d_.kv_heads);
        const sg_batch_entry &e = b.entries[row_entry_[t]];
        const int n_ctx = row_pos_[t] + 1;
        std::vector<float> &scores = scores_[thread];
        if (scores.size() < static_cast<size_t>(group) * n_ctx) scores.resize(static_cast<size_t>(group) * n_ctx);
        const float *q = q_.data() + static_cast<size_t>(t) * d_.q_dim + static_cast<size_t>(g) * group * hd;
        for (int j0 = 0; j0 < n_ctx; j0 += bs)  // block by block through the table
            k_.attention_scores(q, group, kv_.keys(layer, e.block_table[j0 / bs], g), dtype, std::min(bs, n_ctx - j0), hd,
                                scale, scores.data() + j0, n_ctx);
        for (int h = 0; h < group; ++h) {
            float *s = scores.data() + static_cast<size_t>(h) * n_ctx;
            float max = s[0];
            for (int j = 1; j < n_ctx; ++j) max = std::max(max, s[j]);
            float sum = 0.0f;
            for (int j = 0; j < n_ctx; ++j) {
                s[j] = std::exp(s[j] - max);
                sum += s[j];
            }
            const float inv = 1.0f / sum;
            for (int j = 0; j < n_ctx; ++j) s[j] *= inv;
        }
        float *o = att_.data() + static_cast<size_t>(t) * d_.q_dim + static_cast<size_t>(g) * group * hd;
        std::fill(o, o + static_cast<size_t>(group) * hd, 0.0f);
        for (int j0 = 0; j0 < n_ctx; j0 += bs)
            k_.attention_values(scores.data() + j0, group, n_ctx, kv_.values(layer, e.block_table[j0 / bs], g), dtype,
                                std::min(bs, n_ctx - j0), hd, o);
    };
    if (work > kParallelWork) {
        pool_.run(units, unit);
    } else {
        for (int64_t u = 0; u < units; ++u) unit(u, 0);
    }
}

void CpuBackend::sample(const StepBatch &b, const sg_step_output &out) {
    std::vector<int> sampling;
    for (int i = 0; i < b.n_entries; ++i)
        if (b.sample_slot[i] >= 0) sampling.push_back(i);
    const int n = static_cast<int>(sampling.size());
    auto one = [&](int64_t s, int thread) {
        const int i = sampling[s], slot = b.sample_slot[i];
        const sg_batch_entry &e = b.entries[i];
        const float *logits = logits_.data() + static_cast<size_t>(b.entry_last_row[i]) * d_.vocab;
        samplers_[thread].sample(logits, d_.vocab, e, static_cast<int64_t>(e.position) + e.n_tokens, max_logprobs_,
                                 out.tokens + slot, out.logprobs + slot,
                                 out.top_tokens + static_cast<size_t>(slot) * max_logprobs_,
                                 out.top_logprobs + static_cast<size_t>(slot) * max_logprobs_);
    };
    if (static_cast<double>(n) * d_.vocab > kParallelWork) {
        pool_.run(n, one);
    } else {
        for (int s = 0; s < n; ++s) one(s, 0);
    }
}

void CpuBackend::step(const StepBatch &b, const sg_step_output &out) {
    const int T = b.n_tokens;
    if (T == 0) return;
    const size_t rows = static_cast<size_t>(T);
    const int half = d_.head_dim / 2;
    x_.resize(rows * d_.hidden);
    h_.resize(rows * d_.hidden);
    q_.resize(rows * d_.q_dim);
    att_.resize(rows * d_.q_dim);
    k_rows_.resize(rows * d_.kv_dim);
    v_rows_.resize(rows * d_.kv_dim);
    gate_.resize(rows * d_.intermediate);
    up_.resize(rows * d_.intermediate);
    cos_.resize(rows * half);
    sin_.resize(rows * half);
    row_entry_.resize(rows);
    row_pos_.resize(rows);
    for (int i = 0; i < b.n_entries; ++i)
        for (int j = 0; j < b.entries[i].n_tokens; ++j) {
            row_entry_[b.entry_start[i] + j] = i;
            row_pos_[b.entry_start[i] + j] = b.entries[i].position + j;
        }

    const Matrix &embed = model_.embed_tokens();
    const size_t embed_row = static_cast<size_t>(d_.hidden) * dtype_size(embed.dtype);
    const std::vector<double> &inv_freq = model_.inv_freq();
    for (int t = 0; t < T; ++t) {
        const sg_batch_entry &e = b.entries[row_entry_[t]];
        const int token = e.tokens[row_pos_[t] - e.position];
        k_.to_f32(static_cast<const unsigned char *>(embed.data) + token * embed_row, embed.dtype,
                  x_.data() + static_cast<size_t>(t) * d_.hidden, d_.hidden);
        for (int i = 0; i < half; ++i) {  // angles in double: positions reach 1e5+, float would lose the phase
            const double angle = row_pos_[t] * inv_freq[i];
            cos_[static_cast<size_t>(t) * half + i] = static_cast<float>(std::cos(angle));
            sin_[static_cast<size_t>(t) * half + i] = static_cast<float>(std::sin(angle));
        }
    }

    for (int l = 0; l < d_.layers; ++l) {
        const LayerWeights &w = model_.layers()[l];
        rms_norm(x_.data(), T, w.input_norm, h_.data());
        matmul(h_.data(), T, w.q_proj, w.q_bias.empty() ? nullptr : w.q_bias.data(), q_.data(), false);
        matmul(h_.data(), T, w.k_proj, w.k_bias.empty() ? nullptr : w.k_bias.data(), k_rows_.data(), false);
        matmul(h_.data(), T, w.v_proj, w.v_bias.empty() ? nullptr : w.v_bias.data(), v_rows_.data(), false);
        rope(q_.data(), T, d_.heads, d_.q_dim);
        rope(k_rows_.data(), T, d_.kv_heads, d_.kv_dim);
        write_kv(l, b);
        attention(l, b);
        matmul(att_.data(), T, w.o_proj, w.o_bias.empty() ? nullptr : w.o_bias.data(), x_.data(), true);
        rms_norm(x_.data(), T, w.post_attention_norm, h_.data());
        matmul(h_.data(), T, w.gate_proj, nullptr, gate_.data(), false);
        matmul(h_.data(), T, w.up_proj, nullptr, up_.data(), false);
        const int64_t n_act = static_cast<int64_t>(rows) * d_.intermediate;
        float *gate = gate_.data();
        const float *up = up_.data();
        const int64_t parts = n_act > kParallelWork ? threads_ : 1;
        pool_.run(parts, [&](int64_t part, int) {
            for (int64_t i = n_act * part / parts; i < n_act * (part + 1) / parts; ++i)
                gate[i] = gate[i] / (1.0f + std::exp(-gate[i])) * up[i];
        });
        matmul(gate_.data(), T, w.down_proj, nullptr, x_.data(), true);
    }

    // Logits only for the rows someone reads: last rows of sampling entries, or what the caller asked for.
    const size_t n_logit_rows = b.logit_rows.size();
    if (n_logit_rows == 0) return;
    final_.resize(n_logit_rows * d_.hidden);
    for (size_t r = 0; r < n_logit_rows; ++r)
        std::memcpy(final_.data() + r * d_.hidden, x_.data() + static_cast<size_t>(b.logit_rows[r]) * d_.hidden,
                    static_cast<size_t>(d_.hidden) * 4);
    rms_norm(final_.data(), static_cast<int64_t>(n_logit_rows), model_.final_norm(), final_.data());
    logits_.resize(n_logit_rows * d_.vocab);
    matmul(final_.data(), static_cast<int64_t>(n_logit_rows), model_.lm_head(), nullptr, logits_.data(), false);

    const size_t vocab_bytes = static_cast<size_t>(d_.vocab) * 4;
    if (b.logits_mode == SG_LOGITS_ALL) {
        std::memcpy(out.logits, logits_.data(), n_logit_rows * vocab_bytes);
    } else if (b.logits_mode == SG_LOGITS_LAST) {
        for (int i = 0; i < b.n_entries; ++i)
            std::memcpy(out.logits + static_cast<size_t>(i) * d_.vocab,
                        logits_.data() + static_cast<size_t>(b.entry_last_row[i]) * d_.vocab, vocab_bytes);
    }
    if (b.n_sampled > 0) sample(b, out);
}

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(const Model &model, const sg_engine_params &params, bool simd) {
    const CpuKernels *kernels = simd ? avx2_kernels() : nullptr;
    return std::make_unique<CpuBackend>(model, params, kernels != nullptr ? *kernels : scalar_kernels());
}

}  // namespace sg
