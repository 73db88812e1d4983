// Picks the next token from one entry's logits, on the host. Reusable scratch makes it allocation-free
// after warm-up; one instance per thread.
#pragma once

#include <cstdint>
#include <vector>

#include "streamgate_engine.h"

namespace sg {

// Uniform draw in [0, 1) that depends only on the seed and the position of the token being sampled:
// recomputing a preempted sequence replays the same draws.
double sample_uniform(uint64_t seed, int64_t position);

class Sampler {
public:
    // `logits` are the raw model logits; `position` is where the sampled token will sit. Writes the token,
    // its logprob and `max_logprobs` top slots (filled up to entry.sampling.logprobs, -1/NaN after).
    void sample(const float *logits, int vocab, const sg_batch_entry &entry, int64_t position, int max_logprobs,
                int32_t *token, float *logprob, int32_t *top_tokens, float *top_logprobs);

private:
    void apply_penalties(const sg_batch_entry &entry, int vocab);
    int draw(int vocab, const sg_sampling_params &s, int64_t position);

    std::vector<float> work_;
    std::vector<int32_t> counts_;
    std::vector<int32_t> ids_;
    std::vector<double> weights_;
};

}  // namespace sg
