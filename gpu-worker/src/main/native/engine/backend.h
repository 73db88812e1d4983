// What the engine asks of a compute backend. A backend owns its copy (or view) of the weights and its
// KV pool, runs the forward pass of a planned step and samples on its side of the memory boundary, so
// a GPU backend returns only token ids (and the logits a test asked for) to the host.
#pragma once

#include <memory>

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
};

// The CPU backend; `simd` false forces the scalar kernels.
std::unique_ptr<Backend> make_cpu_backend(const Model &model, const sg_engine_params &params, bool simd);

}  // namespace sg
