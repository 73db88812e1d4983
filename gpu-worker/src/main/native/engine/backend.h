// What the engine asks of a compute backend. A backend owns its copy (or view) of the weights and its
// KV pool, runs the forward pass of a planned step and samples on its side of the memory boundary, so
// a GPU backend returns only token ids (and the logits a test asked for) to the host.
#pragma once

#include <memory>
#include <string>

#include "batch.h"
#include "model.h"
#include "streamgate_engine.h"

namespace sg {

class Backend {
public:
    virtual ~Backend() = default;

    // Stable name reported to users, e.g. "cpu-avx2".
    virtual const char *name() const = 0;

    // Runs `batch` (already validated by plan_step): writes K/V of every new token, fills
    // out.tokens/logprobs/top_* for each sampling entry (in sample_slot order) and, when the batch's
    // logits mode asks, out.logits with n_returned_logit_rows rows.
    virtual void step(const StepBatch &batch, const sg_step_output &out) = 0;

    // Blocks in this backend's KV pool (ids 0 .. n-1 are the scheduler's).
    virtual int kv_num_blocks() const = 0;
};

// The CPU backend; `simd` false forces the scalar kernels. Its pool has params.kv_num_blocks blocks, or
// as many as params.kv_cache_mib holds when that is 0.
std::unique_ptr<Backend> make_cpu_backend(const Model &model, const sg_engine_params &params, bool simd);

// Empty when a CUDA backend can run on `device` in this process, else why not (no CUDA in this build, no
// driver, no device, no cuBLAS). Cheap after the first call. Defined in cuda/ (or engine/no_cuda.cpp).
std::string cuda_unavailable_reason(int device);

// The CUDA backend (weights copied to the device as bf16); call only when cuda_unavailable_reason is empty.
std::unique_ptr<Backend> make_cuda_backend(const Model &model, const sg_engine_params &params);

}  // namespace sg
