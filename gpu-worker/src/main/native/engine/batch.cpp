#include "batch.h"

#include <cmath>
#include <cstring>

#include "errors.h"

namespace sg {
namespace {

void check_sampling(int i, const sg_sampling_params &s, int max_logprobs) {
    if (!(s.temperature >= 0.0f) || !std::isfinite(s.temperature))
        fail(SG_ERR_INVALID_ARGUMENT, "batch entry %d: temperature must be finite and >= 0, got %g", i, s.temperature);
    if (!(s.top_p > 0.0f)) fail(SG_ERR_INVALID_ARGUMENT, "batch entry %d: top_p must be > 0, got %g", i, s.top_p);
    if (!(s.min_p <= 1.0f) || std::isnan(s.min_p))
        fail(SG_ERR_INVALID_ARGUMENT, "batch entry %d: min_p must be <= 1, got %g", i, s.min_p);
    if (!(s.repetition_penalty > 0.0f) || !std::isfinite(s.repetition_penalty))
        fail(SG_ERR_INVALID_ARGUMENT, "batch entry %d: repetition_penalty must be finite and > 0, got %g", i,
             s.repetition_penalty);
    if (!std::isfinite(s.presence_penalty) || !std::isfinite(s.frequency_penalty))
        fail(SG_ERR_INVALID_ARGUMENT, "batch entry %d: presence and frequency penalties must be finite", i);
    if (s.logprobs < 0 || s.logprobs > max_logprobs)
        fail(SG_ERR_INVALID_ARGUMENT, "batch entry %d: logprobs must be in [0, %d], got %d", i, max_logprobs,
             s.logprobs);
}

}  // namespace

StepBatch plan_step(const sg_batch_entry *entries, int n_entries, int logits_mode, const ModelDims &dims,
                    const KvGeometry &kv, int max_logprobs) {
    if (n_entries < 0 || (n_entries > 0 && entries == nullptr))
        fail(SG_ERR_INVALID_ARGUMENT, "batch: entries are missing");
    if (logits_mode != SG_LOGITS_NONE && logits_mode != SG_LOGITS_LAST && logits_mode != SG_LOGITS_ALL)
        fail(SG_ERR_INVALID_ARGUMENT, "batch: unknown logits mode %d", logits_mode);
    StepBatch b;
    b.entries = entries;
    b.n_entries = n_entries;
    b.logits_mode = logits_mode;
    b.entry_start.resize(n_entries);
    b.sample_slot.assign(n_entries, -1);
    b.entry_last_row.assign(n_entries, -1);
    int64_t rows = 0;
    for (int i = 0; i < n_entries; ++i) {
        const sg_batch_entry &e = entries[i];
        if (e.n_tokens < 1 || e.tokens == nullptr)
            fail(SG_ERR_INVALID_ARGUMENT, "batch entry %d: needs at least one token", i);
        if (e.position < 0) fail(SG_ERR_INVALID_ARGUMENT, "batch entry %d: negative position %d", i, e.position);
        const int64_t end = static_cast<int64_t>(e.position) + e.n_tokens;
        if (end > dims.context)
            fail(SG_ERR_INVALID_ARGUMENT, "batch entry %d: positions up to %lld exceed the context length %d", i,
                 static_cast<long long>(end - 1), dims.context);
        for (int j = 0; j < e.n_tokens; ++j)
            if (e.tokens[j] < 0 || e.tokens[j] >= dims.vocab)
                fail(SG_ERR_INVALID_ARGUMENT, "batch entry %d: token %d at index %d is outside the vocabulary (%d)", i,
                     e.tokens[j], j, dims.vocab);
        const int64_t needed_blocks = (end - 1) / kv.block_size + 1;
        if (e.n_blocks < needed_blocks || e.block_table == nullptr)
            fail(SG_ERR_INVALID_ARGUMENT,
                 "batch entry %d: block table has %d blocks, positions up to %lld need %lld of %d tokens", i,
                 e.n_blocks, static_cast<long long>(end - 1), static_cast<long long>(needed_blocks), kv.block_size);
        for (int64_t j = 0; j < needed_blocks; ++j)
            if (e.block_table[j] < 0 || e.block_table[j] >= kv.num_blocks)
                fail(SG_ERR_INVALID_ARGUMENT, "batch entry %d: block id %d at index %lld is outside the pool (%d blocks)",
                     i, e.block_table[j], static_cast<long long>(j), kv.num_blocks);
        if (e.n_history < 0 || (e.n_history > 0 && e.history == nullptr))
            fail(SG_ERR_INVALID_ARGUMENT, "batch entry %d: history is missing", i);
        for (int j = 0; j < e.n_history; ++j)
            if (e.history[j] < 0 || e.history[j] >= dims.vocab)
                fail(SG_ERR_INVALID_ARGUMENT, "batch entry %d: history token %d at index %d is outside the vocabulary",
                     i, e.history[j], j);
        if (e.sample) {
            check_sampling(i, e.sampling, max_logprobs);
            b.sample_slot[i] = b.n_sampled++;
        }
        b.entry_start[i] = static_cast<int32_t>(rows);
        rows += e.n_tokens;
        if (rows > INT32_MAX / 2) fail(SG_ERR_INVALID_ARGUMENT, "batch: too many tokens");
        if (end > b.max_context) b.max_context = static_cast<int>(end);
    }
    b.n_tokens = static_cast<int>(rows);
    for (int i = 0; i < n_entries; ++i) {
        const int32_t first = b.entry_start[i], last = first + entries[i].n_tokens - 1;
        if (logits_mode == SG_LOGITS_ALL) {
            for (int32_t r = first; r <= last; ++r) b.logit_rows.push_back(r);
            b.entry_last_row[i] = static_cast<int32_t>(b.logit_rows.size()) - 1;
        } else if (logits_mode == SG_LOGITS_LAST || entries[i].sample) {
            b.logit_rows.push_back(last);
            b.entry_last_row[i] = static_cast<int32_t>(b.logit_rows.size()) - 1;
        }
    }
    b.n_returned_logit_rows = logits_mode == SG_LOGITS_ALL ? b.n_tokens : logits_mode == SG_LOGITS_LAST ? n_entries : 0;
    return b;
}

std::vector<sg_batch_entry> unpack_batch(const void *data, size_t bytes, int *logits_mode) {
    static_assert(sizeof(float) == 4 && sizeof(int32_t) == 4, "packed layout assumes 32-bit words");
    if (data == nullptr || bytes < SG_PACKED_HEADER_BYTES)
        fail(SG_ERR_INVALID_ARGUMENT, "packed batch: %zu bytes is shorter than its header", bytes);
    if (reinterpret_cast<uintptr_t>(data) % 4 != 0) fail(SG_ERR_INVALID_ARGUMENT, "packed batch: not 4-byte aligned");
    const int32_t *words = static_cast<const int32_t *>(data);
    if (words[0] != SG_PACKED_MAGIC) fail(SG_ERR_INVALID_ARGUMENT, "packed batch: bad magic 0x%08x", words[0]);
    const int32_t n = words[1];
    *logits_mode = words[2];
    if (n < 0) fail(SG_ERR_INVALID_ARGUMENT, "packed batch: negative entry count %d", n);
    size_t offset = SG_PACKED_HEADER_BYTES;
    if (static_cast<size_t>(n) > (bytes - offset) / SG_PACKED_ENTRY_BYTES)
        fail(SG_ERR_INVALID_ARGUMENT, "packed batch: %d entries do not fit in %zu bytes", n, bytes);
    std::vector<sg_batch_entry> entries(n);
    const unsigned char *base = static_cast<const unsigned char *>(data);
    for (int i = 0; i < n; ++i, offset += SG_PACKED_ENTRY_BYTES) {
        const unsigned char *r = base + offset;
        auto i32 = [r](int field) {
            int32_t v;
            std::memcpy(&v, r + 4 * field, 4);
            return v;
        };
        auto f32 = [r](int field) {
            float v;
            std::memcpy(&v, r + 4 * field, 4);
            return v;
        };
        sg_batch_entry &e = entries[i];
        e.n_tokens = i32(0);
        e.position = i32(1);
        e.n_blocks = i32(2);
        e.sample = i32(3);
        e.n_history = i32(4);
        e.sampling.temperature = f32(5);
        e.sampling.top_k = i32(6);
        e.sampling.top_p = f32(7);
        e.sampling.min_p = f32(8);
        e.sampling.repetition_penalty = f32(9);
        e.sampling.presence_penalty = f32(10);
        e.sampling.frequency_penalty = f32(11);
        e.sampling.logprobs = i32(12);
        e.sampling.seed = static_cast<uint64_t>(static_cast<uint32_t>(i32(13))) |
                          static_cast<uint64_t>(static_cast<uint32_t>(i32(14))) << 32;
        if (e.n_tokens < 0 || e.n_blocks < 0 || e.n_history < 0)
            fail(SG_ERR_INVALID_ARGUMENT, "packed batch: entry %d has a negative count", i);
    }
    for (int i = 0; i < n; ++i) {
        sg_batch_entry &e = entries[i];
        const size_t words_needed = static_cast<size_t>(e.n_tokens) + e.n_blocks + e.n_history;
        if (words_needed > (bytes - offset) / 4)
            fail(SG_ERR_INVALID_ARGUMENT, "packed batch: entry %d runs past the end of the buffer", i);
        const int32_t *p = reinterpret_cast<const int32_t *>(base + offset);
        e.tokens = p;
        e.block_table = p + e.n_tokens;
        e.history = e.n_history > 0 ? p + e.n_tokens + e.n_blocks : nullptr;
        offset += words_needed * 4;
    }
    return entries;
}

size_t packed_output_bytes(const StepBatch &batch, int max_logprobs, int vocab) {
    const size_t sampled = static_cast<size_t>(batch.n_sampled);
    return sampled * 8 + sampled * static_cast<size_t>(max_logprobs) * 8 +
           static_cast<size_t>(batch.n_returned_logit_rows) * static_cast<size_t>(vocab) * 4;
}

}  // namespace sg
