// Decode benchmark on a random-weight Llama built in memory, through the public C API only:
//   sg_bench [--hidden 768] [--layers 12] [--heads 12] [--kv-heads 12] [--intermediate 2048] [--vocab 32000]
//            [--dtype bf16|f32|f16] [--batch 1] [--prompt 128] [--gen 32] [--threads 0] [--backend auto|cpu|scalar]
// Prints prefill time, decode tokens/s and the weight bytes streamed per decode step per second.
//   sg_bench --bandwidth-mib N [--threads 0]
// Only measures the machine's read bandwidth over an N MiB buffer and prints `read_bandwidth_gbs <value>`
// (what bench/worker-throughput.sh compares the worker's decode speed with).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "checkpoint_shapes.h"
#include "streamgate_engine.h"

namespace {

struct Options {
    int hidden = 768, layers = 12, heads = 12, kv_heads = 12, intermediate = 2048, vocab = 32000;
    int batch = 1, prompt = 128, gen = 32, threads = 0, backend = SG_BACKEND_AUTO, dtype = SG_DTYPE_BF16;
    int bandwidth_mib = 0;
};

Options parse(int argc, char **argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string key = argv[i], value = argv[i + 1];
        int *target = key == "--hidden" ? &o.hidden : key == "--layers" ? &o.layers : key == "--heads" ? &o.heads
                    : key == "--kv-heads" ? &o.kv_heads : key == "--intermediate" ? &o.intermediate
                    : key == "--vocab" ? &o.vocab : key == "--batch" ? &o.batch : key == "--prompt" ? &o.prompt
                    : key == "--gen" ? &o.gen : key == "--threads" ? &o.threads
                    : key == "--bandwidth-mib" ? &o.bandwidth_mib : nullptr;
        if (target != nullptr) {
            *target = std::atoi(value.c_str());
        } else if (key == "--dtype") {
            o.dtype = value == "f32" ? SG_DTYPE_F32 : value == "f16" ? SG_DTYPE_F16 : SG_DTYPE_BF16;
        } else if (key == "--backend") {
            o.backend = value == "scalar" ? SG_BACKEND_CPU_SCALAR : value == "cpu" ? SG_BACKEND_CPU : SG_BACKEND_AUTO;
        } else {
            std::fprintf(stderr, "unknown option %s\n", key.c_str());
            std::exit(2);
        }
    }
    return o;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// This machine's read bandwidth right now: `threads` threads summing disjoint slices of a buffer much larger
// than the caches, best of five passes. The decode bound is weight bytes per step divided by this.
double read_bandwidth(size_t bytes, int threads) {
    std::vector<uint64_t> buffer(bytes / 8);
    for (size_t i = 0; i < buffer.size(); ++i) buffer[i] = i;
    double best = 0;
    std::vector<uint64_t> sums(threads);
    for (int pass = 0; pass < 5; ++pass) {
        auto start = std::chrono::steady_clock::now();
        std::vector<std::thread> team;
        for (int t = 0; t < threads; ++t)
            team.emplace_back([&, t] {
                const size_t begin = buffer.size() * t / threads, end = buffer.size() * (t + 1) / threads;
                uint64_t sum = 0;  // integer adds vectorise, so this loop is bound by memory, not by the core
                for (size_t i = begin; i < end; ++i) sum += buffer[i];
                sums[t] = sum;
            });
        for (auto &th : team) th.join();
        best = std::max(best, static_cast<double>(bytes) / seconds_since(start));
    }
    return best + static_cast<double>(sums[0] & 1) * 1e-9;  // keep the sums alive
}

}  // namespace

int main(int argc, char **argv) {
    const Options o = parse(argc, argv);
    if (o.bandwidth_mib > 0) {
        const int threads = o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
        const double bandwidth = read_bandwidth(static_cast<size_t>(o.bandwidth_mib) << 20, threads);
        std::printf("read_bandwidth_gbs %.3f (%d threads, %d MiB, best of 5 passes)\n", bandwidth / 1e9, threads,
                    o.bandwidth_mib);
        return 0;
    }
    const int elem = o.dtype == SG_DTYPE_F32 ? 4 : 2;
    const sg_model_config c =
        sg::tools::llama_config(o.vocab, o.hidden, o.intermediate, o.layers, o.heads, o.kv_heads, o.prompt + o.gen + 16);

    const std::vector<sg::tools::TensorShape> shapes = sg::tools::checkpoint_shapes(c);
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> bits(0, 0xffff);
    std::vector<std::vector<unsigned char>> storage(shapes.size());
    std::vector<sg_tensor_info> tensors(shapes.size());
    double weight_bytes = 0;
    for (size_t i = 0; i < shapes.size(); ++i) {
        const size_t count = shapes[i].elements();
        const bool norm = shapes[i].shape.size() == 1;
        storage[i].resize(count * elem);
        for (size_t j = 0; j < count; ++j) {  // small values: exponent of ~0.01 (norms ~1)
            const float f = norm ? 1.0f : (bits(rng) / 65536.0f - 0.5f) * 0.05f;
            if (elem == 4) {
                std::memcpy(&storage[i][j * 4], &f, 4);
            } else {
                uint32_t u;
                std::memcpy(&u, &f, 4);
                uint16_t h = static_cast<uint16_t>(u >> 16);
                if (o.dtype == SG_DTYPE_F16) h = norm ? 0x3c00 : static_cast<uint16_t>(0x2000 | (bits(rng) & 0x83ff));
                std::memcpy(&storage[i][j * 2], &h, 2);
            }
        }
        if (shapes[i].name != "model.embed_tokens.weight") weight_bytes += static_cast<double>(storage[i].size());
        tensors[i] = sg::tools::tensor_info(shapes[i], storage[i].data(), o.dtype);
    }
    sg_engine_params p = sg_engine_default_params();
    p.backend = o.backend;
    p.n_threads = o.threads;
    p.kv_block_size = 16;
    const int blocks_per_seq = (c.max_position_embeddings + 15) / 16;
    p.kv_num_blocks = blocks_per_seq * o.batch;
    sg_engine *engine = nullptr;
    if (sg_engine_create(&c, tensors.data(), static_cast<int32_t>(tensors.size()), &p, &engine) != SG_OK) {
        std::fprintf(stderr, "create failed: %s\n", sg_last_error());
        return 1;
    }
    std::printf("model: hidden %d, layers %d, heads %d/%d, intermediate %d, vocab %d, %.1f M params, %s weights, backend %s\n",
                o.hidden, o.layers, o.heads, o.kv_heads, o.intermediate, o.vocab,
                weight_bytes / elem / 1e6 + static_cast<double>(o.vocab) * o.hidden / 1e6,
                o.dtype == SG_DTYPE_F32 ? "f32" : o.dtype == SG_DTYPE_F16 ? "f16" : "bf16", sg_engine_backend_name(engine));

    std::vector<std::vector<int32_t>> tokens(o.batch), tables(o.batch);
    for (int s = 0; s < o.batch; ++s) {
        for (int i = 0; i < o.prompt; ++i) tokens[s].push_back(1 + (s * 31 + i * 7) % (o.vocab - 1));
        for (int b = 0; b < blocks_per_seq; ++b) tables[s].push_back(s * blocks_per_seq + b);
    }
    std::vector<sg_batch_entry> entries(o.batch);
    std::vector<int32_t> sampled(o.batch), top_tokens(static_cast<size_t>(o.batch) * p.max_logprobs);
    std::vector<float> logprobs(o.batch), top_logprobs(static_cast<size_t>(o.batch) * p.max_logprobs);
    sg_step_output out{sampled.data(), logprobs.data(), top_tokens.data(), top_logprobs.data(), nullptr};
    for (int s = 0; s < o.batch; ++s) {
        sg_batch_entry &e = entries[s];
        std::memset(&e, 0, sizeof e);
        e.tokens = tokens[s].data();
        e.n_tokens = o.prompt;
        e.position = 0;
        e.block_table = tables[s].data();
        e.n_blocks = blocks_per_seq;
        e.sample = 1;
        e.sampling.top_p = 1.0f;
        e.sampling.repetition_penalty = 1.0f;
    }
    auto start = std::chrono::steady_clock::now();
    if (sg_engine_step(engine, entries.data(), o.batch, SG_LOGITS_NONE, &out) != SG_OK) {
        std::fprintf(stderr, "prefill failed: %s\n", sg_last_error());
        return 1;
    }
    const double prefill = seconds_since(start);
    std::vector<int32_t> next(o.batch);
    start = std::chrono::steady_clock::now();
    for (int g = 0; g < o.gen; ++g) {
        for (int s = 0; s < o.batch; ++s) {
            next[s] = sampled[s];
            entries[s].tokens = &next[s];
            entries[s].n_tokens = 1;
            entries[s].position = o.prompt + g;
        }
        if (sg_engine_step(engine, entries.data(), o.batch, SG_LOGITS_NONE, &out) != SG_OK) {
            std::fprintf(stderr, "decode failed: %s\n", sg_last_error());
            return 1;
        }
    }
    const double decode = seconds_since(start);
    const double step_ms = decode / o.gen * 1e3;
    const int threads = o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
    const double bandwidth = read_bandwidth(std::max<size_t>(static_cast<size_t>(weight_bytes), 512u << 20), threads);
    std::printf("prefill %d x %d tokens: %.1f ms (%.0f tokens/s)\n", o.batch, o.prompt, prefill * 1e3,
                o.batch * o.prompt / prefill);
    std::printf("decode: %.2f ms/step, %.1f tokens/s at batch %d, weights streamed at %.2f GB/s\n", step_ms,
                o.batch * o.gen / decode, o.batch, weight_bytes / (step_ms * 1e-3) / 1e9);
    std::printf("read bandwidth measured now with %d threads: %.2f GB/s -> bound %.2f ms/step; decode reaches %.0f%% of it\n",
                threads, bandwidth / 1e9, weight_bytes / bandwidth * 1e3, weight_bytes / bandwidth * 1e3 / step_ms * 100);
    sg_engine_free(engine);
    return 0;
}
