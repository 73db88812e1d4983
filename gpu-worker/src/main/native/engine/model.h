// A loaded checkpoint: the validated config, derived dimensions and every weight the forward pass
// needs, bound by name and shape-checked. Large matrices stay where they are (mapped file or caller
// memory) in their stored dtype; the small vectors (norms, biases) are kept as float32 copies.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "mapped_file.h"
#include "streamgate_engine.h"

namespace sg {

// A row-major [rows, cols] matrix in its stored dtype.
struct Matrix {
    const void *data = nullptr;
    int dtype = SG_DTYPE_F32;
    int64_t rows = 0;
    int64_t cols = 0;
};

struct LayerWeights {
    Matrix q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj;
    std::vector<float> input_norm, post_attention_norm;
    std::vector<float> q_bias, k_bias, v_bias;  // empty without attention_bias
    std::vector<float> o_bias;                  // Llama with attention_bias only
};

struct ModelDims {
    int vocab, hidden, intermediate, layers, heads, kv_heads, head_dim, q_dim, kv_dim, context;
};

class Model {
public:
    Model(const sg_model_config &config, const sg_tensor_info *tensors, int32_t n_tensors);

    const sg_model_config &config() const { return config_; }
    const ModelDims &dims() const { return dims_; }
    const Matrix &embed_tokens() const { return embed_tokens_; }
    const Matrix &lm_head() const { return lm_head_; }
    const std::vector<float> &final_norm() const { return final_norm_; }
    const std::vector<LayerWeights> &layers() const { return layers_; }
    // RoPE inverse frequencies (head_dim / 2 of them), with the configured scaling applied.
    const std::vector<double> &inv_freq() const { return inv_freq_; }

private:
    const sg_tensor_info *find(const std::string &name) const;
    const void *locate(const sg_tensor_info &tensor, size_t bytes);
    Matrix matrix(const std::string &name, int64_t rows, int64_t cols);
    std::vector<float> vector(const std::string &name, int64_t size);

    sg_model_config config_;
    ModelDims dims_{};
    const sg_tensor_info *tensors_;
    int32_t n_tensors_;
    std::unordered_map<std::string, int32_t> by_name_;
    std::vector<std::unique_ptr<MappedFile>> files_;
    Matrix embed_tokens_, lm_head_;
    std::vector<float> final_norm_;
    std::vector<LayerWeights> layers_;
    std::vector<double> inv_freq_;
};

// Checks a config for values the engine cannot run, naming the field (SG_ERR_INVALID_ARGUMENT or
// SG_ERR_UNSUPPORTED).
void validate_config(const sg_model_config &config);

std::vector<double> rope_inv_freq(const sg_model_config &config, int head_dim);

}  // namespace sg
