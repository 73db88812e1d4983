#include "device_batch.h"

#include <algorithm>

#include "errors.h"

namespace sg {

DeviceBatchLayout device_batch_layout(const DeviceBatchCapacity &c) {
    DeviceBatchLayout l;
    size_t at = 0;
    auto region = [&at](size_t words) {
        const size_t start = at;
        at += (words + 3) / 4 * 4;  // 16-byte aligned regions
        return start;
    };
    l.tokens = region(static_cast<size_t>(c.rows));
    l.positions = region(static_cast<size_t>(c.rows));
    l.slots = region(static_cast<size_t>(c.rows));
    l.row_entry = region(static_cast<size_t>(c.rows));
    l.block_tables = region(static_cast<size_t>(c.entries) * static_cast<size_t>(c.table_stride));
    l.logit_rows = region(static_cast<size_t>(c.logit_rows));
    l.words = at;
    return l;
}

AttentionSplit attention_split(int max_context, int max_splits, bool pow2, int model_context) {
    AttentionSplit s;
    const int wanted = std::max(1, (max_context + kAttentionTile - 1) / kAttentionTile);
    max_splits = std::max(1, max_splits);
    int splits = wanted;
    if (pow2) {
        splits = 1;
        while (splits < wanted) splits *= 2;
    }
    if (splits >= max_splits) {
        // The largest shape covers any context the model allows, so one graph serves all long steps.
        splits = max_splits;
        const int span = std::max(max_context, pow2 ? model_context : max_context);
        const int per_split = (span + splits - 1) / splits;
        s.partition = (per_split + kAttentionTile - 1) / kAttentionTile * kAttentionTile;
    } else {
        s.partition = kAttentionTile;
    }
    s.splits = splits;
    return s;
}

std::vector<int> graph_batch_sizes(int max_batch) {
    std::vector<int> sizes;
    for (int n : {1, 2, 4})
        if (n <= max_batch) sizes.push_back(n);
    for (int n = 8; n <= max_batch; n += 8) sizes.push_back(n);
    if (max_batch > 0 && (sizes.empty() || sizes.back() != max_batch)) sizes.push_back(max_batch);
    return sizes;
}

int graph_batch_for(int n, int max_batch) {
    if (n < 1 || n > max_batch) return 0;
    if (n <= 2) return n;
    if (n <= 4) return 4;
    const int rounded = (n + 7) / 8 * 8;
    return std::min(rounded, max_batch);
}

bool decode_only(const StepBatch &b) {
    if (b.n_entries == 0) return false;
    for (int i = 0; i < b.n_entries; ++i)
        if (b.entries[i].n_tokens != 1) return false;
    return true;
}

namespace {

int blocks_needed(const sg_batch_entry &e, int block_size) { return (e.position + e.n_tokens - 1) / block_size + 1; }

}  // namespace

bool device_batch_fits(const StepBatch &b, int block_size, const DeviceBatchCapacity &c, int padded_rows) {
    const int rows = padded_rows > 0 ? padded_rows : b.n_tokens;
    const int entries = padded_rows > 0 ? padded_rows : b.n_entries;
    const int logits = padded_rows > 0 ? padded_rows : static_cast<int>(b.logit_rows.size());
    if (rows > c.rows || entries > c.entries || logits > c.logit_rows) return false;
    for (int i = 0; i < b.n_entries; ++i)
        if (blocks_needed(b.entries[i], block_size) > c.table_stride) return false;
    return true;
}

DeviceBatchPlan fill_device_batch(const StepBatch &b, int block_size, int pad_block, const DeviceBatchCapacity &c,
                                  int padded_rows, int32_t *meta) {
    if (padded_rows > 0 && (!decode_only(b) || padded_rows < b.n_entries))
        fail(SG_ERR_INTERNAL, "device batch: padding to %d rows needs a decode-only batch of at most that many entries",
             padded_rows);
    if (!device_batch_fits(b, block_size, c, padded_rows))
        fail(SG_ERR_INVALID_ARGUMENT, "device batch: step of %d tokens / %d entries exceeds the buffers (%d / %d)", b.n_tokens,
             b.n_entries, c.rows, c.entries);
    DeviceBatchPlan plan;
    plan.rows = padded_rows > 0 ? padded_rows : b.n_tokens;
    plan.entries = padded_rows > 0 ? padded_rows : b.n_entries;
    plan.logit_rows = padded_rows > 0 ? padded_rows : static_cast<int>(b.logit_rows.size());
    plan.max_context = b.max_context;
    plan.layout = device_batch_layout(DeviceBatchCapacity{plan.rows, plan.entries, plan.logit_rows, c.table_stride});
    const DeviceBatchLayout &l = plan.layout;
    int32_t *tokens = meta + l.tokens, *positions = meta + l.positions, *slots = meta + l.slots;
    int32_t *row_entry = meta + l.row_entry, *tables = meta + l.block_tables, *logit_rows = meta + l.logit_rows;
    for (int i = 0; i < b.n_entries; ++i) {
        const sg_batch_entry &e = b.entries[i];
        const int needed = blocks_needed(e, block_size);
        int32_t *table = tables + static_cast<size_t>(i) * c.table_stride;
        std::copy(e.block_table, e.block_table + needed, table);
        std::fill(table + needed, table + c.table_stride, pad_block);
        for (int j = 0; j < e.n_tokens; ++j) {
            const int r = b.entry_start[i] + j, p = e.position + j;
            tokens[r] = e.tokens[j];
            positions[r] = p;
            slots[r] = e.block_table[p / block_size] * block_size + p % block_size;
            row_entry[r] = i;
        }
    }
    // Padding rows: token 0 at position 0 of the pad block, attending only to themselves.
    for (int r = b.n_tokens; r < plan.rows; ++r) {
        tokens[r] = 0;
        positions[r] = 0;
        slots[r] = pad_block * block_size;
        row_entry[r] = r;
        std::fill(tables + static_cast<size_t>(r) * c.table_stride, tables + static_cast<size_t>(r + 1) * c.table_stride,
                  pad_block);
    }
    if (padded_rows > 0) {
        for (int r = 0; r < plan.rows; ++r) logit_rows[r] = r;
        plan.max_context = std::max(plan.max_context, 1);
    } else {
        std::copy(b.logit_rows.begin(), b.logit_rows.end(), logit_rows);
    }
    return plan;
}

}  // namespace sg
