// The tensors a Llama-family checkpoint holds for a config, by Hugging Face name and [out, in] shape, in the order
// the benchmarks and checks that build a random model in memory fill them: the one list those programs share, so
// it cannot drift from what engine/model.cpp binds (q/k/v biases for Qwen2 or attention_bias, o_proj's for
// Llama's attention_bias, no lm_head when the embeddings are tied).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "streamgate_engine.h"

namespace sg::tools {

struct TensorShape {
    std::string name;
    std::vector<int64_t> shape;

    size_t elements() const {
        size_t count = 1;
        for (int64_t d : shape) count *= static_cast<size_t>(d);
        return count;
    }
};

// A Llama model of these sizes with the defaults the random-model tools share: rope theta 10000, RMSNorm eps 1e-5,
// an lm_head of its own. Callers change what their model differs in.
inline sg_model_config llama_config(int vocab, int hidden, int intermediate, int layers, int heads, int kv_heads,
                                    int context) {
    sg_model_config c{};
    c.architecture = SG_ARCH_LLAMA;
    c.vocab_size = vocab;
    c.hidden_size = hidden;
    c.intermediate_size = intermediate;
    c.num_hidden_layers = layers;
    c.num_attention_heads = heads;
    c.num_key_value_heads = kv_heads;
    c.max_position_embeddings = context;
    c.tie_word_embeddings = 0;
    c.rms_norm_eps = 1e-5f;
    c.rope_type = SG_ROPE_DEFAULT;
    c.rope_theta = 10000.0f;
    return c;
}

// The engine's description of tensor `s` held in host memory at `data`; it points at s.name, which must outlive it.
inline sg_tensor_info tensor_info(const TensorShape &s, const void *data, int32_t dtype) {
    sg_tensor_info t{};
    t.name = s.name.c_str();
    t.path = nullptr;
    t.data = data;
    t.dtype = dtype;
    t.n_dims = static_cast<int32_t>(s.shape.size());
    for (size_t d = 0; d < s.shape.size(); ++d) t.shape[d] = s.shape[d];
    return t;
}

inline std::vector<TensorShape> checkpoint_shapes(const sg_model_config &c) {
    const int64_t hidden = c.hidden_size, inter = c.intermediate_size, vocab = c.vocab_size;
    const int64_t hd = c.head_dim > 0 ? c.head_dim : hidden / c.num_attention_heads;
    const int64_t q_dim = c.num_attention_heads * hd, kv_dim = c.num_key_value_heads * hd;
    const bool qkv_bias = c.architecture == SG_ARCH_QWEN2 || c.attention_bias != 0;
    const bool o_bias = c.architecture == SG_ARCH_LLAMA && c.attention_bias != 0;
    std::vector<TensorShape> shapes;
    shapes.push_back({"model.embed_tokens.weight", {vocab, hidden}});
    if (c.tie_word_embeddings == 0) shapes.push_back({"lm_head.weight", {vocab, hidden}});
    shapes.push_back({"model.norm.weight", {hidden}});
    for (int l = 0; l < c.num_hidden_layers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        shapes.push_back({p + "input_layernorm.weight", {hidden}});
        shapes.push_back({p + "post_attention_layernorm.weight", {hidden}});
        shapes.push_back({p + "self_attn.q_proj.weight", {q_dim, hidden}});
        shapes.push_back({p + "self_attn.k_proj.weight", {kv_dim, hidden}});
        shapes.push_back({p + "self_attn.v_proj.weight", {kv_dim, hidden}});
        if (qkv_bias) {
            shapes.push_back({p + "self_attn.q_proj.bias", {q_dim}});
            shapes.push_back({p + "self_attn.k_proj.bias", {kv_dim}});
            shapes.push_back({p + "self_attn.v_proj.bias", {kv_dim}});
        }
        shapes.push_back({p + "self_attn.o_proj.weight", {hidden, q_dim}});
        if (o_bias) shapes.push_back({p + "self_attn.o_proj.bias", {hidden}});
        shapes.push_back({p + "mlp.gate_proj.weight", {inter, hidden}});
        shapes.push_back({p + "mlp.up_proj.weight", {inter, hidden}});
        shapes.push_back({p + "mlp.down_proj.weight", {hidden, inter}});
    }
    return shapes;
}

}  // namespace sg::tools
