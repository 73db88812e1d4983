// A validated step: the caller's entries plus what every backend needs to know about their layout
// (where each entry's tokens sit in the flat token matrix, which rows need logits, which entries sample).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "model.h"
#include "streamgate_engine.h"

namespace sg {

struct KvGeometry {
    int block_size;
    int num_blocks;
};

struct StepBatch {
    const sg_batch_entry *entries = nullptr;
    int n_entries = 0;
    int logits_mode = SG_LOGITS_NONE;
    int n_tokens = 0;                    // rows of the flat token matrix
    int max_context = 0;                 // longest attention span (last position + 1) in the batch
    std::vector<int32_t> entry_start;    // first flat row of each entry
    std::vector<int32_t> sample_slot;    // per entry: its index among sampling entries, or -1
    int n_sampled = 0;
    std::vector<int32_t> logit_rows;     // flat rows whose logits the forward pass must produce, ascending
    std::vector<int32_t> entry_last_row; // per entry: index into logit_rows of its last new token, or -1
    int n_returned_logit_rows = 0;       // rows copied to the caller (SG_LOGITS_LAST: entries; ALL: tokens)
};

// Checks every entry against the model and the KV pool (token ids, positions, block tables, sampling
// values) and plans the step. Errors name the entry and the field.
StepBatch plan_step(const sg_batch_entry *entries, int n_entries, int logits_mode, const ModelDims &dims,
                    const KvGeometry &kv, int max_logprobs);

// Decodes the packed layout documented in streamgate_engine.h into entries that point into `data`.
std::vector<sg_batch_entry> unpack_batch(const void *data, size_t bytes, int *logits_mode);

// Bytes of the packed output for a planned step.
size_t packed_output_bytes(const StepBatch &batch, int max_logprobs, int vocab);

}  // namespace sg
