// The flat metadata a device backend uploads once per step, and the choices made from it: which rows
// (tokens) go where in the paged KV pool, each entry's block table, the rows whose logits are computed,
// how attention is split across the context, and which captured graph (padded batch size) a decode-only
// step replays. Host-only arithmetic, unit-tested without a GPU.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "batch.h"

namespace sg {

// Sizes of the metadata buffer: what the largest step may use. A step's own regions are packed for its sizes
// (device_batch_layout of the plan's rows, entries and logit rows), so that it crosses the bus in one copy;
// graph replays of one padded size get the same layout every step, so a captured graph keeps reading the same
// addresses.
struct DeviceBatchCapacity {
    int rows = 0;          // tokens per step
    int entries = 0;       // sequences per step
    int logit_rows = 0;    // rows whose logits are computed
    int table_stride = 0;  // block-table slots per entry: blocks of the longest possible sequence
};

// Offsets (in int32 words) of each region of the metadata buffer.
struct DeviceBatchLayout {
    size_t tokens = 0, positions = 0, slots = 0, row_entry = 0, block_tables = 0, logit_rows = 0;
    size_t words = 0;
};

DeviceBatchLayout device_batch_layout(const DeviceBatchCapacity &capacity);

// How attention over the cached context is split ("flash decoding"): `splits` partitions of `partition`
// tokens each (a multiple of kAttentionTile) cover the longest context of the step.
struct AttentionSplit {
    int splits = 1;
    int partition = 0;
};

// Keys per tile and the partition granule. 64 rather than a larger tile so that short contexts still split: a
// decode step of one sequence with 256 positions runs kv_heads x 4 attention blocks instead of kv_heads x 1.
constexpr int kAttentionTile = 64;

// Splits for a step whose longest context is `max_context` tokens: one partition per kAttentionTile tokens,
// at most `max_splits` (then longer partitions). `pow2` rounds the count up to a power of two so that
// captured graphs come in few shapes; `model_context` then fixes the partition of the largest shape.
AttentionSplit attention_split(int max_context, int max_splits, bool pow2, int model_context);

// Batch sizes graphs are captured for: 1, 2, 4, 8, then every multiple of 8 up to `max_batch`
// (and `max_batch` itself).
std::vector<int> graph_batch_sizes(int max_batch);

// The captured batch size a decode step of `n` sequences pads to, or 0 when none fits.
int graph_batch_for(int n, int max_batch);

// Whether a step can replay a graph: every entry a single decode token, and some graph size fits.
bool decode_only(const StepBatch &batch);

// What fill_device_batch wrote.
struct DeviceBatchPlan {
    int rows = 0;        // rows of the forward pass (padded rows included)
    int entries = 0;     // entries (padded included)
    int logit_rows = 0;  // rows whose logits are computed
    int max_context = 0; // longest attention span
    DeviceBatchLayout layout;  // where the regions are: the first layout.words words of `meta`
};

// Writes the step's metadata into `meta` (device_batch_layout(capacity).words int32 words, of which it uses
// the first plan.layout.words):
//   tokens[r], positions[r], slots[r] (block * block_size + offset where row r's K/V go), row_entry[r],
//   block_tables[e * table_stride + j], logit_rows[i].
// `padded_rows` > 0 (a graph replay of a decode-only batch) appends rows up to that count that read and write
// only `pad_block` (a block the scheduler never hands out), and makes every row a logit row.
// Fails with SG_ERR_INVALID_ARGUMENT when the step exceeds `capacity` (callers grow it first).
DeviceBatchPlan fill_device_batch(const StepBatch &batch, int block_size, int pad_block, const DeviceBatchCapacity &capacity,
                                  int padded_rows, int32_t *meta);

// Whether `capacity` holds the step (for `padded_rows` when replaying a graph).
bool device_batch_fits(const StepBatch &batch, int block_size, const DeviceBatchCapacity &capacity, int padded_rows);

}  // namespace sg
