// sg_gpu_bench: serving benchmark of the CUDA backend through the public C API, on a random-weight model
// (TinyLlama-1.1B's shape by default) built in host memory as bf16. For each concurrency N: N requests of
// --prompt random tokens arrive together and each generates --gen tokens greedily; a continuous-batching loop
// prefills in chunks under a token budget per step, beside the decode tokens of requests already running.
// Reports output tokens/s, time to first token, the median decode step and the bytes a decode step must read
// (weights + the KV of every running sequence) over its time, against the device's copy bandwidth measured in
// the same run. By default every concurrency runs twice, on two engines created one after the other: with plain
// kernel launches (the baseline) and with programmatic dependent launch (the default), side by side.
//   sg_gpu_bench [--concurrency 1,64,256] [--prompt 128] [--gen 128] [--budget 8192] [--hidden 2048]
//                [--layers 22] [--heads 32] [--kv-heads 4] [--intermediate 5632] [--vocab 32000] [--graphs 256]
//                [--launch both|plain|programmatic] [--profile-steps K]
// --profile-steps K is for a kernel profiler started with profiling off (ncu --profile-from-start off): no warm-up
// rounds, and at each concurrency the first K decode-only steps from the middle of generation (every sequence
// past half of --gen, so the context is the run's average) are bracketed by cudaProfilerStart/Stop; the round then
// ends. bench/gpu/profile_summary.py turns the profiler's CSV into time and bytes per kernel.
#include <cuda_profiler_api.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "checkpoint_shapes.h"
#include "streamgate_engine.h"

namespace {

struct Options {
    std::vector<int> concurrency{1, 64, 256};
    int prompt = 128, gen = 128, budget = 8192, graphs = 256, profile_steps = 0;
    int hidden = 2048, layers = 22, heads = 32, kv_heads = 4, intermediate = 5632, vocab = 32000;
    std::vector<int> launches{0, 1};  // cuda_programmatic_launch values, baseline first
};

Options parse(int argc, char **argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string key = argv[i], value = argv[i + 1];
        int *target = key == "--prompt" ? &o.prompt : key == "--gen" ? &o.gen : key == "--budget" ? &o.budget
                    : key == "--graphs" ? &o.graphs : key == "--hidden" ? &o.hidden : key == "--layers" ? &o.layers
                    : key == "--heads" ? &o.heads : key == "--kv-heads" ? &o.kv_heads
                    : key == "--intermediate" ? &o.intermediate : key == "--vocab" ? &o.vocab
                    : key == "--profile-steps" ? &o.profile_steps : nullptr;
        if (target != nullptr) {
            *target = std::atoi(value.c_str());
        } else if (key == "--launch" && (value == "both" || value == "plain" || value == "programmatic")) {
            o.launches = value == "both" ? std::vector<int>{0, 1} : std::vector<int>{value == "programmatic" ? 1 : 0};
        } else if (key == "--concurrency") {
            o.concurrency.clear();
            for (size_t at = 0; at < value.size();) {
                const size_t comma = value.find(',', at);
                o.concurrency.push_back(std::atoi(value.substr(at, comma - at).c_str()));
                at = comma == std::string::npos ? value.size() : comma + 1;
            }
        } else {
            std::fprintf(stderr, "unknown option %s\n", key.c_str());
            std::exit(2);
        }
    }
    return o;
}

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// Random bf16 weights, filled by all cores: values of about +-scale (norms are 1).
void fill(std::vector<uint16_t> &v, float scale, bool ones, uint64_t seed) {
    const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> team;
    for (unsigned t = 0; t < threads; ++t)
        team.emplace_back([&, t] {
            uint64_t x = seed * 0x9e3779b97f4a7c15ull + t + 1;
            const size_t begin = v.size() * t / threads, end = v.size() * (t + 1) / threads;
            for (size_t i = begin; i < end; ++i) {
                if (ones) {
                    v[i] = 0x3f80;
                    continue;
                }
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                const float f = (static_cast<float>(x >> 40) / 16777216.0f - 0.5f) * 2.0f * scale;
                uint32_t bits;
                std::memcpy(&bits, &f, 4);
                v[i] = static_cast<uint16_t>(bits >> 16);
            }
        });
    for (auto &th : team) th.join();
}

double copy_bandwidth() {
    const size_t bytes = 2ull << 30;
    void *a = nullptr, *b = nullptr;
    if (cudaMalloc(&a, bytes) != cudaSuccess || cudaMalloc(&b, bytes) != cudaSuccess) {
        cudaFree(a);
        cudaGetLastError();  // a refused allocation must not surface as the engine's next launch error
        return 0;
    }
    cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice);
    cudaEvent_t start, stop;
    cudaEventCreate(&start);
    cudaEventCreate(&stop);
    cudaEventRecord(start);
    for (int i = 0; i < 10; ++i) cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice);
    cudaEventRecord(stop);
    cudaEventSynchronize(stop);
    float ms = 0;
    cudaEventElapsedTime(&ms, start, stop);
    cudaFree(a);
    cudaFree(b);
    return 2.0 * bytes * 10 / (ms * 1e-3);  // read + write
}

struct Result {
    int programmatic;
    int concurrency;
    double output_tps, decode_tps, step_ms, ttft_mean_ms, ttft_max_ms, bandwidth, wall_s;
    int steps, decode_steps;
};

const char *launch_name(int programmatic) { return programmatic ? "programmatic" : "plain"; }

// The warm-up rounds and the measured rounds of every concurrency on one engine; appends to `results`.
bool run_rounds(sg_engine *engine, const Options &o, int programmatic, int max_logprobs, double weight_bytes,
                double kv_bytes_per_token, std::vector<Result> &results) {
    const int blocks_per_seq = (o.prompt + o.gen + 15) / 16;
    const int rounds = static_cast<int>(o.concurrency.size());
    for (int round = o.profile_steps > 0 ? 0 : -rounds; round < rounds; ++round) {
        // Negative rounds are untimed warm-ups, whole rounds at each concurrency: they capture every padded batch size
        // the measured round replays (the batch shrinks in steps as staggered sequences finish), so no capture is timed.
        const int n = o.concurrency[round < 0 ? round + rounds : round];
        const int gen = o.gen;
        std::vector<std::vector<int32_t>> tokens(n), tables(n);
        std::vector<int> cached(n, 0), generated(n, 0);
        std::vector<double> first_token(n, 0);
        for (int s = 0; s < n; ++s) {
            for (int i = 0; i < o.prompt; ++i)  // warm-up rounds are negative: the salt must not be
                tokens[s].push_back(1 + (s * 7919 + i * 104729 + (round + rounds) * 31) % (o.vocab - 1));
            for (int b = 0; b < blocks_per_seq; ++b) tables[s].push_back(s * blocks_per_seq + b);
        }
        std::vector<sg_batch_entry> batch;
        std::vector<int> who;
        std::vector<int32_t> sampled(n), top_t(static_cast<size_t>(n) * max_logprobs);
        std::vector<float> logprobs(n), top_l(static_cast<size_t>(n) * max_logprobs);
        std::vector<double> decode_times;
        double decode_kv_tokens = 0;
        int steps = 0, profiled = 0;
        const double start = now();
        while (true) {
            batch.clear();
            who.clear();
            int budget = o.budget;
            bool all_decode = true;
            for (int s = 0; s < n; ++s) {  // decode tokens first, then prefill chunks while the budget lasts
                if (generated[s] >= gen || cached[s] < o.prompt) continue;
                sg_batch_entry e;
                std::memset(&e, 0, sizeof e);
                e.tokens = tokens[s].data() + cached[s];
                e.n_tokens = 1;
                e.position = cached[s];
                e.block_table = tables[s].data();
                e.n_blocks = blocks_per_seq;
                e.sample = 1;
                e.sampling.top_p = 1.0f;
                e.sampling.repetition_penalty = 1.0f;
                batch.push_back(e);
                who.push_back(s);
                --budget;
            }
            for (int s = 0; s < n && budget > 0; ++s) {
                if (cached[s] >= o.prompt) continue;
                sg_batch_entry e;
                std::memset(&e, 0, sizeof e);
                e.n_tokens = std::min(budget, o.prompt - cached[s]);
                e.tokens = tokens[s].data() + cached[s];
                e.position = cached[s];
                e.block_table = tables[s].data();
                e.n_blocks = blocks_per_seq;
                e.sample = cached[s] + e.n_tokens == o.prompt;
                e.sampling.top_p = 1.0f;
                e.sampling.repetition_penalty = 1.0f;
                batch.push_back(e);
                who.push_back(s);
                budget -= e.n_tokens;
                all_decode = false;
            }
            if (batch.empty()) break;
            sg_step_output out{sampled.data(), logprobs.data(), top_t.data(), top_l.data(), nullptr};
            int least_generated = gen, least_context = 1 << 30, most_context = 0;
            for (size_t i = 0; i < batch.size(); ++i) {
                least_generated = std::min(least_generated, generated[who[i]]);
                least_context = std::min(least_context, batch[i].position + 1);
                most_context = std::max(most_context, batch[i].position + 1);
            }
            const bool profile = all_decode && profiled < o.profile_steps && least_generated >= gen / 2;
            // A step returns once its sampled tokens are on the host, so every kernel of it lies inside the bracket.
            if (profile) cudaProfilerStart();
            const double t0 = now();
            if (sg_engine_step(engine, batch.data(), static_cast<int32_t>(batch.size()), SG_LOGITS_NONE, &out) != SG_OK) {
                std::fprintf(stderr, "sg_gpu_bench: step failed: %s\n", sg_last_error());
                return false;
            }
            const double t1 = now();
            if (profile) {
                cudaProfilerStop();
                std::printf("  profiled a decode step of %zu rows, context %d..%d (%.3f ms under the profiler)\n",
                            batch.size(), least_context, most_context, 1000.0 * (t1 - t0));
                if (++profiled == o.profile_steps) break;
            }
            ++steps;
            if (all_decode) {
                decode_times.push_back(t1 - t0);
                for (const sg_batch_entry &e : batch) decode_kv_tokens += e.position + 1;
            }
            int slot = 0;
            for (size_t i = 0; i < batch.size(); ++i) {
                const int s = who[i];
                cached[s] += batch[i].n_tokens;
                if (!batch[i].sample) continue;
                if (generated[s] == 0) first_token[s] = t1 - start;
                tokens[s].push_back(sampled[slot++]);
                ++generated[s];
            }
        }
        const double wall = now() - start;
        if (round < 0 || o.profile_steps > 0) continue;
        Result r{};
        r.programmatic = programmatic;
        r.concurrency = n;
        r.wall_s = wall;
        r.steps = steps;
        r.decode_steps = static_cast<int>(decode_times.size());
        r.output_tps = static_cast<double>(n) * o.gen / wall;
        double decode_total = 0;
        for (double t : decode_times) decode_total += t;
        std::vector<double> sorted = decode_times;
        std::sort(sorted.begin(), sorted.end());
        r.step_ms = sorted.empty() ? 0 : 1000.0 * sorted[sorted.size() / 2];
        r.decode_tps = decode_total > 0 ? static_cast<double>(n) * r.decode_steps / decode_total : 0;
        // Decode steps run every sequence at once here, so each decode step reads all weights and, per sequence,
        // its context's K/V: bytes over time, averaged over the decode steps.
        r.bandwidth = decode_total > 0 ? (weight_bytes * r.decode_steps + decode_kv_tokens * kv_bytes_per_token) / decode_total : 0;
        double sum = 0, worst = 0;
        for (double t : first_token) sum += t, worst = std::max(worst, t);
        r.ttft_mean_ms = 1000.0 * sum / n;
        r.ttft_max_ms = 1000.0 * worst;
        results.push_back(r);
        std::printf("  %s launches, concurrency %d: %d steps (%d decode-only) in %.2f s\n", launch_name(programmatic), n,
                    steps, r.decode_steps, wall);
    }
    return true;
}

}  // namespace

int main(int argc, char **argv) {
    const Options o = parse(argc, argv);
    if (sg_backend_probe(SG_BACKEND_CUDA) != SG_OK) {
        std::fprintf(stderr, "sg_gpu_bench: the CUDA backend cannot run here: %s\n", sg_last_error());
        return 3;
    }
    const int head_dim = o.hidden / o.heads;
    int max_concurrency = 1;
    for (int c : o.concurrency) max_concurrency = std::max(max_concurrency, c);
    const sg_model_config c =
        sg::tools::llama_config(o.vocab, o.hidden, o.intermediate, o.layers, o.heads, o.kv_heads, 2048);
    if (o.prompt + o.gen > c.max_position_embeddings) {
        std::fprintf(stderr, "prompt + gen exceeds the context of %d\n", c.max_position_embeddings);
        return 2;
    }

    const std::vector<sg::tools::TensorShape> shapes = sg::tools::checkpoint_shapes(c);
    const double t_gen = now();
    std::vector<std::vector<uint16_t>> storage(shapes.size());
    std::vector<sg_tensor_info> tensors(shapes.size());
    double weight_bytes = 0;  // read by every decode step: everything but the embedding table
    for (size_t i = 0; i < shapes.size(); ++i) {
        const size_t count = shapes[i].elements();
        storage[i].resize(count);
        const bool norm = shapes[i].shape.size() == 1;
        fill(storage[i], norm ? 1.0f : 1.7f / std::sqrt(static_cast<float>(shapes[i].shape[1])), norm, i + 1);
        if (shapes[i].name != "model.embed_tokens.weight") weight_bytes += 2.0 * static_cast<double>(count);
        tensors[i] = sg::tools::tensor_info(shapes[i], storage[i].data(), SG_DTYPE_BF16);
    }
    cudaDeviceProp props{};
    cudaGetDeviceProperties(&props, 0);
    const double kv_bytes_per_token = 2.0 * o.layers * o.kv_heads * head_dim * 2;
    const int blocks_per_seq = (o.prompt + o.gen + 15) / 16;
    std::printf("sg_gpu_bench: %s; model hidden %d, %d layers, %d/%d heads, intermediate %d, vocab %d: %.2f GB of bf16 "
                "weights read per step; weights generated in %.1f s\n", props.name, o.hidden, o.layers, o.heads,
                o.kv_heads, o.intermediate, o.vocab, weight_bytes / 1e9, now() - t_gen);
    // Before the engines: each KV pool then takes most of what is free.
    const double copy_bw = copy_bandwidth();
    std::vector<Result> results;
    for (const int programmatic : o.launches) {
        sg_engine_params p = sg_engine_default_params();
        p.backend = SG_BACKEND_CUDA;
        p.kv_block_size = 16;
        p.kv_num_blocks = 0;  // sized from free device memory
        p.max_batch_tokens = o.budget;
        p.cuda_graph_max_batch = o.graphs;
        p.cuda_programmatic_launch = programmatic;
        sg_engine *engine = nullptr;
        const double t_load = now();
        if (sg_engine_create(&c, tensors.data(), static_cast<int32_t>(tensors.size()), &p, &engine) != SG_OK) {
            std::fprintf(stderr, "sg_gpu_bench: engine creation failed: %s\n", sg_last_error());
            return 1;
        }
        const int pool = sg_engine_kv_num_blocks(engine);
        std::printf("  %s launches: %s created (upload, KV pool of %d blocks = %.1f GB) in %.1f s; device copy bandwidth "
                    "%.0f GB/s\n", launch_name(programmatic), sg_engine_backend_name(engine), pool,
                    pool * 16.0 * kv_bytes_per_token / 1e9, now() - t_load, copy_bw / 1e9);
        if (pool < max_concurrency * blocks_per_seq) {
            std::fprintf(stderr, "sg_gpu_bench: the pool (%d blocks) cannot hold %d sequences of %d blocks\n", pool,
                         max_concurrency, blocks_per_seq);
            return 1;
        }
        const bool ok = run_rounds(engine, o, programmatic, p.max_logprobs, weight_bytes, kv_bytes_per_token, results);
        sg_engine_free(engine);
        if (!ok) return 1;
    }
    if (o.profile_steps > 0) return 0;  // a profiler's run: its timings are the profiler's, not a result
    std::printf("\nsg_gpu_bench results (%s, prompt %d, %d new tokens each, greedy, graphs up to %d)\n", props.name, o.prompt,
                o.gen, o.graphs);
    std::printf("| concurrency | launches | output tok/s | decode tok/s | decode step ms (median) | TTFT ms mean / max | decode GB/s | of copy bw |\n");
    std::printf("|---|---|---|---|---|---|---|---|\n");
    std::vector<Result> ordered = results;
    std::stable_sort(ordered.begin(), ordered.end(), [](const Result &a, const Result &b) { return a.concurrency < b.concurrency; });
    for (const Result &r : ordered)
        std::printf("| %d | %s | %.0f | %.0f | %.3f | %.1f / %.1f | %.0f | %.0f%% |\n", r.concurrency,
                    launch_name(r.programmatic), r.output_tps, r.decode_tps, r.step_ms, r.ttft_mean_ms, r.ttft_max_ms,
                    r.bandwidth / 1e9, copy_bw > 0 ? 100.0 * r.bandwidth / copy_bw : 0.0);
    // Programmatic over plain, where both ran: the ratio the README quotes.
    for (const Result &a : ordered)
        for (const Result &b : ordered)
            if (a.concurrency == b.concurrency && a.programmatic == 0 && b.programmatic == 1 && a.output_tps > 0 &&
                a.decode_tps > 0)
                std::printf("programmatic / plain at concurrency %d: output tok/s %.2fx, decode tok/s %.2fx\n",
                            a.concurrency, b.output_tps / a.output_tps, b.decode_tps / a.decode_tps);
    return 0;
}
