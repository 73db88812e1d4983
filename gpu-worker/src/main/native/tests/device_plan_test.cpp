// Host-side planning of device steps, checked without a GPU: the metadata layout and contents a device
// backend uploads (slots, block tables, padding rows of a graph replay), graph batch sizes, attention splits,
// KV pool sizing, and how the engine picks a backend on a machine with or without CUDA.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "../engine/batch.h"
#include "../engine/device_batch.h"
#include "../engine/errors.h"
#include "../engine/memory_plan.h"
#include "../tools/checkpoint_shapes.h"
#include "streamgate_engine.h"

namespace {

int passed = 0, failed = 0;

void check(bool ok, const std::string &what) {
    if (ok) {
        ++passed;
    } else {
        ++failed;
        std::printf("FAILED: %s\n", what.c_str());
    }
}

template <class Body>
int status_of(Body &&body, std::string *message = nullptr) {
    try {
        body();
        return SG_OK;
    } catch (const sg::EngineError &e) {
        if (message != nullptr) *message = e.what();
        return e.status();
    }
}

const sg::ModelDims kDims{32000, 2048, 5632, 22, 32, 4, 64, 2048, 256, 2048};

sg_batch_entry entry(const std::vector<int32_t> &tokens, int position, const std::vector<int32_t> &table, int sample) {
    sg_batch_entry e;
    std::memset(&e, 0, sizeof e);
    e.tokens = tokens.data();
    e.n_tokens = static_cast<int32_t>(tokens.size());
    e.position = position;
    e.block_table = table.data();
    e.n_blocks = static_cast<int32_t>(table.size());
    e.sample = sample;
    e.sampling.top_p = 1.0f;
    e.sampling.repetition_penalty = 1.0f;
    return e;
}

void test_layout() {
    sg::DeviceBatchCapacity c{10, 3, 5, 7};
    const sg::DeviceBatchLayout l = sg::device_batch_layout(c);
    const size_t starts[] = {l.tokens, l.positions, l.slots, l.row_entry, l.block_tables, l.logit_rows};
    const size_t sizes[] = {10, 10, 10, 10, 21, 5};
    bool ok = true;
    for (int i = 0; i < 6; ++i) {
        ok &= starts[i] % 4 == 0;  // 16-byte aligned
        if (i > 0) ok &= starts[i] >= starts[i - 1] + sizes[i - 1];
    }
    ok &= l.words >= l.logit_rows + 5;
    check(ok, "metadata regions are aligned and do not overlap");
}

void test_mixed_batch() {
    // Sequence A decodes at position 17 (blocks 9, 4, 12); B sends a prefill chunk of 3 tokens at 14..16 (blocks 2, 6).
    const int bs = 8;
    std::vector<int32_t> a_tokens{5}, a_table{9, 4, 12}, b_tokens{7, 8, 9}, b_table{2, 6, 11};
    sg_batch_entry entries[] = {entry(a_tokens, 17, a_table, 1), entry(b_tokens, 14, b_table, 0)};
    sg::StepBatch b = sg::plan_step(entries, 2, SG_LOGITS_NONE, kDims, sg::KvGeometry{bs, 16}, 20);
    sg::DeviceBatchCapacity c{8, 4, 4, 5};
    std::vector<int32_t> meta(sg::device_batch_layout(c).words, -7);
    const sg::DeviceBatchPlan plan = sg::fill_device_batch(b, bs, 16, c, 0, meta.data());
    const sg::DeviceBatchLayout l = plan.layout;
    check(plan.rows == 4 && plan.entries == 2 && plan.logit_rows == 1 && plan.max_context == 18, "mixed batch plan sizes");
    // Packed for this step (4 rows, 2 entries of 5 slots, 1 logit row; 16-byte aligned): one copy of 32 words.
    check(l.positions == 4 && l.block_tables == 16 && l.logit_rows == 28 && l.words == 32 &&
              l.words < sg::device_batch_layout(c).words,
          "the step's regions are packed for its own sizes");
    check(meta[l.tokens] == 5 && meta[l.tokens + 1] == 7 && meta[l.tokens + 3] == 9, "tokens in batch order");
    check(meta[l.positions] == 17 && meta[l.positions + 1] == 14 && meta[l.positions + 3] == 16, "positions");
    check(meta[l.slots] == 12 * bs + 1, "a decode slot is block * block_size + offset");
    check(meta[l.slots + 1] == 6 * bs + 6 && meta[l.slots + 2] == 6 * bs + 7 && meta[l.slots + 3] == 11 * bs + 0,
          "prefill slots cross a block boundary through the table");
    check(meta[l.row_entry] == 0 && meta[l.row_entry + 1] == 1 && meta[l.row_entry + 3] == 1, "rows know their entry");
    check(meta[l.block_tables + 5] == 2 && meta[l.block_tables + 7] == 11 && meta[l.block_tables + 8] == 16 &&
              meta[l.block_tables + 9] == 16,
          "block tables are copied and padded with the pad block");
    check(meta[l.logit_rows] == 0, "only the sampling row gets logits");
}

void test_graph_padding() {
    const int bs = 16;
    std::vector<int32_t> t1{3}, t2{4}, t3{5}, table1{0, 1}, table2{2}, table3{3, 4};
    sg_batch_entry entries[] = {entry(t1, 20, table1, 1), entry(t2, 3, table2, 1), entry(t3, 31, table3, 1)};
    sg::StepBatch b = sg::plan_step(entries, 3, SG_LOGITS_NONE, kDims, sg::KvGeometry{bs, 100}, 20);
    check(sg::decode_only(b), "single-token entries are a decode-only step");
    const int padded = sg::graph_batch_for(b.n_entries, 256);
    check(padded == 4, "three sequences pad to a graph of four");
    sg::DeviceBatchCapacity c{8, 8, 8, 128};
    std::vector<int32_t> meta(sg::device_batch_layout(c).words, -7);
    const sg::DeviceBatchPlan plan = sg::fill_device_batch(b, bs, 100, c, padded, meta.data());
    const sg::DeviceBatchLayout l = plan.layout;
    check(plan.rows == 4 && plan.entries == 4 && plan.logit_rows == 4 && plan.max_context == 32, "padded plan sizes");
    // A later step of another size that pads to the same graph must find every region where the graph reads it.
    std::vector<int32_t> t4{6}, table4{7};
    sg_batch_entry fewer[] = {entry(t4, 9, table4, 1)};
    const sg::StepBatch one = sg::plan_step(fewer, 1, SG_LOGITS_NONE, kDims, sg::KvGeometry{bs, 100}, 20);
    std::vector<int32_t> meta2(meta.size(), -7);
    const sg::DeviceBatchLayout l2 = sg::fill_device_batch(one, bs, 100, c, 4, meta2.data()).layout;
    check(l2.tokens == l.tokens && l2.positions == l.positions && l2.slots == l.slots && l2.row_entry == l.row_entry &&
              l2.block_tables == l.block_tables && l2.logit_rows == l.logit_rows && l2.words == l.words,
          "steps padded to one graph size share one layout");
    check(meta[l.slots] == 1 * bs + 4 && meta[l.slots + 1] == 2 * bs + 3 && meta[l.slots + 2] == 4 * bs + 15,
          "decode slots");
    check(meta[l.tokens + 3] == 0 && meta[l.positions + 3] == 0 && meta[l.slots + 3] == 100 * bs && meta[l.row_entry + 3] == 3,
          "the padding row reads and writes only the pad block");
    bool pad_table = true;
    for (int j = 0; j < 128; ++j) pad_table &= meta[l.block_tables + 3 * 128 + j] == 100;
    check(pad_table, "the padding row's block table is all pad block");
    check(meta[l.logit_rows] == 0 && meta[l.logit_rows + 3] == 3, "every padded row is a logit row");
    std::string message;
    std::vector<int32_t> chunk{1, 2};
    sg_batch_entry prefill[] = {entry(chunk, 0, table2, 1)};
    sg::StepBatch pb = sg::plan_step(prefill, 1, SG_LOGITS_NONE, kDims, sg::KvGeometry{bs, 100}, 20);
    check(!sg::decode_only(pb), "a prefill chunk is not decode-only");
    check(status_of([&] { sg::fill_device_batch(pb, bs, 100, c, 4, meta.data()); }) == SG_ERR_INTERNAL,
          "padding a prefill step is refused");
    sg::DeviceBatchCapacity small{2, 2, 2, 128};
    check(!sg::device_batch_fits(b, bs, small, 0), "a step larger than the buffers does not fit");
    check(status_of([&] { sg::fill_device_batch(b, bs, 100, small, 0, meta.data()); }, &message) == SG_ERR_INVALID_ARGUMENT,
          "filling past the buffers fails: " + message);
    sg::DeviceBatchCapacity narrow{8, 8, 8, 1};
    check(!sg::device_batch_fits(b, bs, narrow, 0), "a block table wider than the stride does not fit");
}

void test_graph_sizes() {
    const std::vector<int> sizes = sg::graph_batch_sizes(256);
    check(sizes.front() == 1 && sizes[1] == 2 && sizes[2] == 4 && sizes[3] == 8 && sizes.back() == 256 &&
              sizes.size() == 35,
          "graph sizes 1, 2, 4 and every multiple of 8 up to 256");
    bool covered = true, tight = true;
    for (int n = 1; n <= 256; ++n) {
        const int g = sg::graph_batch_for(n, 256);
        bool listed = false;
        for (int s : sizes) listed |= s == g;
        covered &= listed && g >= n;
        tight &= g - n < 8;
    }
    check(covered, "every batch size up to the maximum pads to a captured size");
    check(tight, "padding wastes fewer than 8 rows");
    check(sg::graph_batch_for(257, 256) == 0 && sg::graph_batch_for(0, 256) == 0, "no graph past the maximum");
    check(sg::graph_batch_for(97, 100) == 100 && sg::graph_batch_sizes(100).back() == 100, "an odd maximum is a size too");
    check(sg::graph_batch_sizes(0).empty() && sg::graph_batch_for(1, 0) == 0, "graphs off");
}

void test_attention_split() {
    auto covers = [](const sg::AttentionSplit &s, int ctx) {
        return s.splits >= 1 && s.splits * s.partition >= ctx && s.partition % sg::kAttentionTile == 0;
    };
    constexpr int T = sg::kAttentionTile;
    sg::AttentionSplit s = sg::attention_split(1, 16, false, 2048);
    check(s.splits == 1 && s.partition == T, "a short context is one partition");
    s = sg::attention_split(T + 1, 16, false, 2048);
    check(s.splits == 2 && s.partition == T && covers(s, T + 1), "one position past a tile takes two partitions");
    s = sg::attention_split(5 * T - 3, 16, true, 2048);
    check(s.splits == 8 && s.partition == T && covers(s, 5 * T - 3), "graph splits round up to a power of two");
    s = sg::attention_split(17 * T, 16, true, 2048);
    check(s.splits == 16 && s.partition == 2048 / 16 && covers(s, 2048), "past 16 tiles the largest graph shape covers the model's context");
    s = sg::attention_split(5000, 16, true, 131072);
    check(s.splits == 16 && s.partition == 8192 && covers(s, 131072), "the largest graph shape covers the whole context");
    s = sg::attention_split(3000, 2, false, 131072);
    check(s.splits == 2 && s.partition == 1536 && covers(s, 3000), "few splits allowed: longer partitions");
    bool all = true;
    for (int ctx = 1; ctx <= 20000; ctx += 97)
        for (int cap : {1, 3, 16}) {
            all &= covers(sg::attention_split(ctx, cap, false, 20000), ctx);
            all &= covers(sg::attention_split(ctx, cap, true, 20000), ctx);
        }
    check(all, "every split covers its context");
}

void test_memory_plan() {
    check(sg::kv_bytes_per_block(kDims, 16, 2) == 2ull * 22 * 4 * 64 * 16 * 2, "TinyLlama KV block bytes");
    check(sg::kv_blocks_for_budget(10ull << 20, 1ull << 20, "x") == 10, "blocks are the budget over the block size");
    std::string message;
    check(status_of([&] { sg::kv_blocks_for_budget(1000, 4096, "kv_cache_mib"); }, &message) == SG_ERR_OUT_OF_MEMORY &&
              message.find("kv_cache_mib") != std::string::npos,
          "a budget below one block fails naming the setting: " + message);
    check(sg::kv_blocks_for_budget(1ull << 62, 2, "x") == INT32_MAX - 1, "block count stays below INT32_MAX");
    check(sg::device_kv_budget(80ull << 30, 0.9, 1ull << 20) == static_cast<uint64_t>((80ull << 30) * 0.9) - (1ull << 20),
          "device budget is the fraction of free memory less the reserve");
    check(sg::device_kv_budget(100, 0.5, 1000) == 0, "the reserve never makes the budget negative");
}

// A one-layer model in memory: enough for the engine to choose a backend.
void test_backend_choice() {
    sg_model_config c = sg::tools::llama_config(16, 16, 32, 1, 2, 1, 64);
    c.tie_word_embeddings = 1;
    const std::vector<sg::tools::TensorShape> shapes = sg::tools::checkpoint_shapes(c);
    std::vector<float> data(16 * 32, 0.01f);  // room for the largest tensor; every tensor reads from it
    std::vector<sg_tensor_info> tensors;
    for (const sg::tools::TensorShape &s : shapes) tensors.push_back(sg::tools::tensor_info(s, data.data(), SG_DTYPE_F32));
    const int n_tensors = static_cast<int>(tensors.size());
    sg_engine_params p = sg_engine_default_params();
    check(p.kv_num_blocks == 0 && p.kv_memory_fraction == 0.9f && p.cuda_graph_max_batch == 256 && p.kv_cache_mib == 256 &&
              p.cuda_programmatic_launch == 1,
          "default params");
    p.kv_num_blocks = 0;
    p.kv_cache_mib = 1;
    sg_engine *engine = nullptr;
    check(sg_engine_create(&c, tensors.data(), n_tensors, &p, &engine) == SG_OK, std::string("create: ") + sg_last_error());
    const bool cuda_here = sg_backend_probe(SG_BACKEND_CUDA) == SG_OK;
    const std::string reason = sg_last_error();
    const std::string name = engine != nullptr ? sg_engine_backend_name(engine) : "";
    if (cuda_here) {
        std::printf("device_plan_test: a CUDA device is usable here; AUTO runs %s\n", name.c_str());
        check(name.rfind("cuda-sm", 0) == 0, "AUTO picks CUDA when a device is usable");
    } else {
        std::printf("device_plan_test: CUDA not usable here (%s); AUTO runs %s\n", reason.c_str(), name.c_str());
        check(!reason.empty(), "an unusable CUDA backend says why");
        check(name.rfind("cpu-", 0) == 0, "AUTO falls back to the CPU");
        // 1 MiB of float32 KV at 1 layer x K,V x 1 KV head x 8 dims x 16 tokens x 4 bytes = 1 KiB per block.
        check(sg_engine_kv_num_blocks(engine) == 1024, "the CPU pool is sized from kv_cache_mib");
        sg_engine_params cuda = sg_engine_default_params();
        cuda.backend = SG_BACKEND_CUDA;
        sg_engine *none = nullptr;
        const int status = sg_engine_create(&c, tensors.data(), n_tensors, &cuda, &none);
        check(status == SG_ERR_UNSUPPORTED && none == nullptr &&
                  std::string(sg_last_error()).find("CUDA backend:") != std::string::npos,
              std::string("an explicit CUDA backend fails with the reason: ") + sg_last_error());
    }
    sg_engine_free(engine);
    sg_engine_params bad = sg_engine_default_params();
    bad.kv_memory_fraction = 1.5f;
    engine = nullptr;
    check(sg_engine_create(&c, tensors.data(), n_tensors, &bad, &engine) == SG_ERR_INVALID_ARGUMENT &&
              std::string(sg_last_error()).find("kv_memory_fraction") != std::string::npos,
          "a bad memory fraction is named");
    bad = sg_engine_default_params();
    bad.cuda_programmatic_launch = 2;
    check(sg_engine_create(&c, tensors.data(), n_tensors, &bad, &engine) == SG_ERR_INVALID_ARGUMENT &&
              std::string(sg_last_error()).find("cuda_programmatic_launch") != std::string::npos,
          "a programmatic-launch switch other than 0 or 1 is named");
    check(sg_backend_probe(SG_BACKEND_AUTO) == SG_OK && sg_backend_probe(SG_BACKEND_CPU) == SG_OK &&
              sg_backend_probe(42) == SG_ERR_UNSUPPORTED,
          "probe answers for every backend");
}

}  // namespace

int main() {
    test_layout();
    test_mixed_batch();
    test_graph_padding();
    test_graph_sizes();
    test_attention_split();
    test_memory_plan();
    test_backend_choice();
    std::printf("device_plan_test: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
