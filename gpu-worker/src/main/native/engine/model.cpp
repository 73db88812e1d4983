#include "model.h"

#include <cmath>
#include <string>

#include "dtype.h"
#include "errors.h"

namespace sg {
namespace {

std::string shape_string(const int64_t *shape, int n_dims) {
    std::string s = "[";
    for (int i = 0; i < n_dims; ++i) {
        if (i > 0) s += ", ";
        s += std::to_string(shape[i]);
    }
    return s + "]";
}

void require_positive(int32_t value, const char *field) {
    if (value <= 0) fail(SG_ERR_INVALID_ARGUMENT, "model config: %s must be positive, got %d", field, value);
}

}  // namespace

void validate_config(const sg_model_config &c) {
    if (c.architecture != SG_ARCH_LLAMA && c.architecture != SG_ARCH_QWEN2)
        fail(SG_ERR_UNSUPPORTED, "model config: unsupported architecture code %d", c.architecture);
    require_positive(c.vocab_size, "vocab_size");
    require_positive(c.hidden_size, "hidden_size");
    require_positive(c.intermediate_size, "intermediate_size");
    require_positive(c.num_hidden_layers, "num_hidden_layers");
    require_positive(c.num_attention_heads, "num_attention_heads");
    require_positive(c.num_key_value_heads, "num_key_value_heads");
    require_positive(c.max_position_embeddings, "max_position_embeddings");
    if (c.num_attention_heads % c.num_key_value_heads != 0)
        fail(SG_ERR_INVALID_ARGUMENT,
             "model config: num_attention_heads (%d) must be a multiple of num_key_value_heads (%d)",
             c.num_attention_heads, c.num_key_value_heads);
    if (c.head_dim < 0) fail(SG_ERR_INVALID_ARGUMENT, "model config: head_dim must not be negative");
    if (c.head_dim == 0 && c.hidden_size % c.num_attention_heads != 0)
        fail(SG_ERR_INVALID_ARGUMENT, "model config: hidden_size (%d) is not divisible by num_attention_heads (%d)",
             c.hidden_size, c.num_attention_heads);
    int head_dim = c.head_dim > 0 ? c.head_dim : c.hidden_size / c.num_attention_heads;
    if (head_dim % 2 != 0) fail(SG_ERR_INVALID_ARGUMENT, "model config: head_dim must be even, got %d", head_dim);
    if (!(c.rms_norm_eps > 0.0f)) fail(SG_ERR_INVALID_ARGUMENT, "model config: rms_norm_eps must be positive");
    if (!(c.rope_theta > 0.0f)) fail(SG_ERR_INVALID_ARGUMENT, "model config: rope_theta must be positive");
    switch (c.rope_type) {
        case SG_ROPE_DEFAULT: break;
        case SG_ROPE_LINEAR:
            if (!(c.rope_factor > 0.0f)) fail(SG_ERR_INVALID_ARGUMENT, "model config: rope factor must be positive");
            break;
        case SG_ROPE_LLAMA3:
            if (!(c.rope_factor > 0.0f)) fail(SG_ERR_INVALID_ARGUMENT, "model config: rope factor must be positive");
            if (!(c.rope_high_freq_factor > c.rope_low_freq_factor) || !(c.rope_low_freq_factor > 0.0f))
                fail(SG_ERR_INVALID_ARGUMENT,
                     "model config: llama3 rope needs 0 < low_freq_factor < high_freq_factor, got %g and %g",
                     c.rope_low_freq_factor, c.rope_high_freq_factor);
            require_positive(c.rope_original_max_position_embeddings, "original_max_position_embeddings");
            break;
        default: fail(SG_ERR_UNSUPPORTED, "model config: unsupported rope type code %d", c.rope_type);
    }
}

std::vector<double> rope_inv_freq(const sg_model_config &c, int head_dim) {
    std::vector<double> inv(head_dim / 2);
    for (int i = 0; i < head_dim / 2; ++i)
        inv[i] = 1.0 / std::pow(static_cast<double>(c.rope_theta), (2.0 * i) / head_dim);
    if (c.rope_type == SG_ROPE_LINEAR) {
        for (double &f : inv) f /= c.rope_factor;
    } else if (c.rope_type == SG_ROPE_LLAMA3) {
        // Llama 3.1: long wavelengths slowed down by `factor`, short ones kept, a smooth blend between.
        const double factor = c.rope_factor, low = c.rope_low_freq_factor, high = c.rope_high_freq_factor;
        const double old_context = c.rope_original_max_position_embeddings;
        const double low_wavelen = old_context / low, high_wavelen = old_context / high;
        for (double &f : inv) {
            double wavelen = 2.0 * M_PI / f;
            if (wavelen < high_wavelen) continue;
            if (wavelen > low_wavelen) {
                f /= factor;
            } else {
                double smooth = (old_context / wavelen - low) / (high - low);
                f = (1.0 - smooth) * f / factor + smooth * f;
            }
        }
    }
    return inv;
}

Model::Model(const sg_model_config &config, const sg_tensor_info *tensors, int32_t n_tensors)
    : config_(config), tensors_(tensors), n_tensors_(n_tensors) {
    validate_config(config);
    if (n_tensors < 0 || (n_tensors > 0 && tensors == nullptr))
        fail(SG_ERR_INVALID_ARGUMENT, "tensor table is missing");
    for (int32_t i = 0; i < n_tensors; ++i)
        if (tensors[i].name != nullptr) by_name_.emplace(tensors[i].name, i);
    ModelDims &d = dims_;
    d.vocab = config.vocab_size;
    d.hidden = config.hidden_size;
    d.intermediate = config.intermediate_size;
    d.layers = config.num_hidden_layers;
    d.heads = config.num_attention_heads;
    d.kv_heads = config.num_key_value_heads;
    d.head_dim = config.head_dim > 0 ? config.head_dim : config.hidden_size / config.num_attention_heads;
    d.q_dim = d.heads * d.head_dim;
    d.kv_dim = d.kv_heads * d.head_dim;
    d.context = config.max_position_embeddings;
    inv_freq_ = rope_inv_freq(config, d.head_dim);

    const bool bias = config.attention_bias != 0 || config.architecture == SG_ARCH_QWEN2;
    embed_tokens_ = matrix("model.embed_tokens.weight", d.vocab, d.hidden);
    for (int l = 0; l < d.layers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        LayerWeights w;
        w.input_norm = vector(p + "input_layernorm.weight", d.hidden);
        w.q_proj = matrix(p + "self_attn.q_proj.weight", d.q_dim, d.hidden);
        w.k_proj = matrix(p + "self_attn.k_proj.weight", d.kv_dim, d.hidden);
        w.v_proj = matrix(p + "self_attn.v_proj.weight", d.kv_dim, d.hidden);
        if (bias) {
            w.q_bias = vector(p + "self_attn.q_proj.bias", d.q_dim);
            w.k_bias = vector(p + "self_attn.k_proj.bias", d.kv_dim);
            w.v_bias = vector(p + "self_attn.v_proj.bias", d.kv_dim);
        }
        w.o_proj = matrix(p + "self_attn.o_proj.weight", d.hidden, d.q_dim);
        if (config.architecture == SG_ARCH_LLAMA && config.attention_bias != 0)  // Llama's flag covers o_proj too
            w.o_bias = vector(p + "self_attn.o_proj.bias", d.hidden);
        w.post_attention_norm = vector(p + "post_attention_layernorm.weight", d.hidden);
        w.gate_proj = matrix(p + "mlp.gate_proj.weight", d.intermediate, d.hidden);
        w.up_proj = matrix(p + "mlp.up_proj.weight", d.intermediate, d.hidden);
        w.down_proj = matrix(p + "mlp.down_proj.weight", d.hidden, d.intermediate);
        layers_.push_back(std::move(w));
    }
    final_norm_ = vector("model.norm.weight", d.hidden);
    lm_head_ = config.tie_word_embeddings ? embed_tokens_ : matrix("lm_head.weight", d.vocab, d.hidden);
    tensors_ = nullptr;  // the caller's table need not outlive creation
    n_tensors_ = 0;
    by_name_.clear();
}

const sg_tensor_info *Model::find(const std::string &name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : &tensors_[it->second];
}

const void *Model::locate(const sg_tensor_info &t, size_t bytes) {
    if (t.path == nullptr) {
        if (t.data == nullptr) fail(SG_ERR_INVALID_ARGUMENT, "tensor %s has neither a file nor data", t.name);
        return t.data;
    }
    MappedFile *file = nullptr;
    for (auto &f : files_)
        if (f->path() == t.path) file = f.get();
    if (file == nullptr) {
        files_.push_back(std::make_unique<MappedFile>(t.path));
        file = files_.back().get();
    }
    if (t.offset > file->size() || bytes > file->size() - t.offset)
        fail(SG_ERR_MODEL, "tensor %s: %zu bytes at offset %llu lie outside %s (%zu bytes)", t.name, bytes,
             static_cast<unsigned long long>(t.offset), t.path, file->size());
    return file->data() + t.offset;
}

Matrix Model::matrix(const std::string &name, int64_t rows, int64_t cols) {
    const int64_t expected[2] = {rows, cols};
    const sg_tensor_info *t = find(name);
    if (t == nullptr)
        fail(SG_ERR_MODEL, "missing tensor %s (expected shape %s)", name.c_str(), shape_string(expected, 2).c_str());
    if (t->n_dims != 2 || t->shape[0] != rows || t->shape[1] != cols)
        fail(SG_ERR_MODEL, "tensor %s: expected shape %s, got %s", name.c_str(), shape_string(expected, 2).c_str(),
             shape_string(t->shape, t->n_dims < 0 ? 0 : t->n_dims > SG_MAX_DIMS ? SG_MAX_DIMS : t->n_dims).c_str());
    if (t->dtype != SG_DTYPE_F32 && t->dtype != SG_DTYPE_F16 && t->dtype != SG_DTYPE_BF16)
        fail(SG_ERR_UNSUPPORTED, "tensor %s: unsupported dtype code %d", name.c_str(), t->dtype);
    Matrix m;
    m.dtype = t->dtype;
    m.rows = rows;
    m.cols = cols;
    m.data = locate(*t, static_cast<size_t>(rows * cols) * dtype_size(t->dtype));
    return m;
}

std::vector<float> Model::vector(const std::string &name, int64_t size) {
    const sg_tensor_info *t = find(name);
    if (t == nullptr)
        fail(SG_ERR_MODEL, "missing tensor %s (expected shape [%lld])", name.c_str(), static_cast<long long>(size));
    if (t->n_dims != 1 || t->shape[0] != size)
        fail(SG_ERR_MODEL, "tensor %s: expected shape [%lld], got %s", name.c_str(), static_cast<long long>(size),
             shape_string(t->shape, t->n_dims < 0 ? 0 : t->n_dims > SG_MAX_DIMS ? SG_MAX_DIMS : t->n_dims).c_str());
    if (t->dtype != SG_DTYPE_F32 && t->dtype != SG_DTYPE_F16 && t->dtype != SG_DTYPE_BF16)
        fail(SG_ERR_UNSUPPORTED, "tensor %s: unsupported dtype code %d", name.c_str(), t->dtype);
    const void *data = locate(*t, static_cast<size_t>(size) * dtype_size(t->dtype));
    std::vector<float> v(static_cast<size_t>(size));
    for (int64_t i = 0; i < size; ++i) v[i] = load_as_f32(data, t->dtype, static_cast<size_t>(i));
    return v;
}

}  // namespace sg
