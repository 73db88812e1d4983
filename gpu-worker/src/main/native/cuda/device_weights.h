// The model's weights on the device: every matrix converted to bf16 (f32 and f16 checkpoints are rounded to
// nearest even at load; bf16 ones copied as they are), q/k/v fused into one [q + 2 kv, hidden] matrix and
// gate/up into one [2 intermediate, hidden] matrix so each takes one matmul; norms and biases stay float32.
// Rows that one output needs together are made adjacent, so that a pair lands in one gemv block, which finishes
// the job itself, and in adjacent columns of a cuBLAS result, which the next kernel reads as one float2:
// - gate/up rows are interleaved (gate_0, up_0, gate_1, up_1, ...);
// - in each q and k head the rotary pairs are (dim 0, dim half, dim 1, dim half + 1, ...), the bias likewise.
// One device allocation holds them all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "../engine/model.h"
#include "device_memory.h"
#include "kernels.cuh"

namespace sg::cuda {

struct DeviceMatrix {
    const bf16_bits *data = nullptr;
    int rows = 0, cols = 0;  // [out_features, in_features]
};

struct DeviceLayer {
    DeviceMatrix qkv, o, gate_up, down;
    const float *input_norm = nullptr, *post_attention_norm = nullptr;
    const float *qkv_bias = nullptr;  // null without q/k/v biases
    const float *o_bias = nullptr;    // null without an o_proj bias
};

class DeviceWeights {
public:
    explicit DeviceWeights(const Model &model);

    const DeviceMatrix &embed() const { return embed_; }
    const DeviceMatrix &lm_head() const { return lm_head_; }
    const float *final_norm() const { return final_norm_; }
    const std::vector<DeviceLayer> &layers() const { return layers_; }
    size_t bytes() const { return storage_.bytes(); }
    // Bytes of weights one decode step reads (every matrix except the embedding table, which is gathered).
    size_t bytes_per_step() const { return bytes_per_step_; }

private:
    DeviceArray<unsigned char> storage_;
    DeviceMatrix embed_, lm_head_;
    const float *final_norm_ = nullptr;
    std::vector<DeviceLayer> layers_;
    size_t bytes_per_step_ = 0;
};

}  // namespace sg::cuda
