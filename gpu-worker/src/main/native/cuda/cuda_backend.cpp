// The CUDA backend: bf16 weights and a bf16 paged KV pool on one GPU, matmuls through cuBLAS (the small-batch
// ones through the gemv kernel), the rest through this folder's kernels, sampling on the device; only token
// ids, logprobs and the logits a caller asks for come back. Decode-only steps replay CUDA graphs captured
// per padded batch size (and attention split count); everything else runs eagerly on the same stream. Our
// kernels are launched programmatically unless cuda_programmatic_launch is 0 (launch.cuh, README "Programmatic
// dependent launch"), in graphs and eagerly alike.
//
// Numerics: the residual stream and every matmul's accumulation are float32, and so are the outputs, except the
// gate/up projection's, which is rounded to bf16 as Hugging Face's bf16 models store it (at 256 rows and more it
// is the largest intermediate a step writes and reads back); the inputs of matmuls (normalised activations,
// attention output, SwiGLU output) are rounded to bf16, as are K and V.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../engine/backend.h"
#include "../engine/device_batch.h"
#include "../engine/memory_plan.h"
#include "cublas_loader.h"
#include "cuda_check.h"
#include "device_memory.h"
#include "device_weights.h"
#include "kernels.cuh"

namespace sg {
namespace {

using cuda::bf16_bits;
using cuda::DeviceArray;
using cuda::PinnedArray;

constexpr size_t kCublasWorkspaceBytes = 32u << 20;
constexpr int kMaxSplits = 16;         // attention partitions per row at most (graphs capture up to this many)
constexpr int kSamplePass = 256;       // sampling entries per launch (their scratch is kSamplePass * vocab)
constexpr int kMinLogitRows = 256;

class CudaBackend final : public Backend {
public:
    CudaBackend(const Model &model, const sg_engine_params &params);
    ~CudaBackend() override;
    CudaBackend(const CudaBackend &) = delete;
    CudaBackend &operator=(const CudaBackend &) = delete;

    const char *name() const override { return name_.c_str(); }
    int kv_num_blocks() const override { return kv_blocks_; }
    void step(const StepBatch &batch, const sg_step_output &out) override;

private:
    void start(const Model &model, const sg_engine_params &params);
    void release() noexcept;
    void grow(const StepBatch &b, int padded);
    void upload(const DeviceBatchPlan &plan);
    void clear_graphs();
    void forward(const DeviceBatchPlan &plan, const AttentionSplit &split);
    void run_graph(const DeviceBatchPlan &plan, const AttentionSplit &split);
    cudaGraphExec_t capture(const DeviceBatchPlan &plan, const AttentionSplit &split);
    void matmul(const bf16_bits *x, int rows, const cuda::DeviceMatrix &w, float *y, bool accumulate);
    void gemm(const bf16_bits *x, int rows, const cuda::DeviceMatrix &w, void *y, cudaDataType y_type, float beta);
    void copy_logits(const StepBatch &b, bool graph, const sg_step_output &out);
    void sample(const StepBatch &b, bool graph, const sg_step_output &out);
    bf16_bits *kv_layer(int layer) const {
        return kv_.get() + static_cast<size_t>(layer) * (kv_blocks_ + 1) * 2 * d_.kv_heads * block_size_ * d_.head_dim;
    }

    const Model &model_;
    const ModelDims d_;
    const int device_, block_size_, max_logprobs_, graph_max_;
    bool graphs_enabled_;
    std::string name_;
    cudaStream_t stream_ = nullptr;
    cuda::KernelStream kernels_;  // stream_, and whether our kernels are launched programmatically (launch.cuh)
    const cuda::CublasApi *cublas_ = nullptr;
    cuda::cublasHandle_t handle_ = nullptr;
    std::unique_ptr<cuda::DeviceWeights> weights_;
    DeviceArray<unsigned char> cublas_workspace_;
    DeviceArray<float> cos_, sin_;
    // Step buffers, sized by capacity_ (grown on demand; growing drops the captured graphs).
    DeviceBatchCapacity capacity_;
    DeviceArray<int32_t> meta_;
    PinnedArray<int32_t> meta_host_;
    DeviceArray<float> x_, proj_, q_, partials_, logits_;
    DeviceArray<bf16_bits> act_;
    DeviceArray<bf16_bits> mlp_;      // the fused gate/up gemv's output (its input, act_, is still being read)
    DeviceArray<bf16_bits> gate_up_;  // the cuBLAS gate/up projection's output
    DeviceArray<int32_t> tickets_;  // attention's split counters, one per row and KV head; zero between kernels
    size_t partial_capacity_ = 0;
    // Sampling.
    DeviceArray<cuda::SampleRequest> requests_;
    PinnedArray<cuda::SampleRequest> requests_host_;
    DeviceArray<int32_t> history_;
    PinnedArray<int32_t> history_host_;
    DeviceArray<float> sample_work_;
    DeviceArray<int32_t> sample_counts_;
    DeviceArray<unsigned char> sample_out_;
    PinnedArray<unsigned char> sample_out_host_;
    // KV pool: kv_blocks_ blocks for the scheduler plus one padding block (id kv_blocks_).
    int kv_blocks_ = 0;
    DeviceArray<bf16_bits> kv_;
    std::map<std::pair<int, int>, cudaGraphExec_t> graphs_;
};

CudaBackend::CudaBackend(const Model &model, const sg_engine_params &params)
    : model_(model),
      d_(model.dims()),
      device_(params.device),
      block_size_(params.kv_block_size),
      max_logprobs_(params.max_logprobs),
      graph_max_(params.cuda_graph_max_batch),
      graphs_enabled_(params.cuda_graph_max_batch > 0) {
    try {
        start(model, params);
    } catch (...) {
        release();  // the destructor does not run for a constructor that throws
        throw;
    }
}

void CudaBackend::start(const Model &model, const sg_engine_params &params) {
    SG_CUDA_CHECK(cudaSetDevice(device_));
    cudaDeviceProp props{};
    SG_CUDA_CHECK(cudaGetDeviceProperties(&props, device_));
    name_ = "cuda-sm" + std::to_string(props.major) + std::to_string(props.minor);
    if (d_.hidden % 8 != 0 || d_.intermediate % 8 != 0 || d_.q_dim % 8 != 0)
        fail(SG_ERR_UNSUPPORTED, "CUDA backend: hidden (%d), intermediate (%d) and heads * head_dim (%d) must be multiples of 8",
             d_.hidden, d_.intermediate, d_.q_dim);
    cuda::prepare_attention(d_.heads, d_.kv_heads, d_.head_dim);
    SG_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    kernels_ = cuda::KernelStream(stream_, params.cuda_programmatic_launch != 0);
    std::string reason;
    cublas_ = cuda::cublas_api(&reason);
    if (cublas_ == nullptr) fail(SG_ERR_UNSUPPORTED, "CUDA backend: %s", reason.c_str());
    cuda::check_cublas(cublas_->create(&handle_), "cublasCreate");
    cuda::check_cublas(cublas_->set_stream(handle_, stream_), "cublasSetStream");
    cublas_workspace_.resize(kCublasWorkspaceBytes);
    // A workspace of our own: cuBLAS then allocates nothing while a graph is being captured.
    cuda::check_cublas(cublas_->set_workspace(handle_, cublas_workspace_.get(), kCublasWorkspaceBytes), "cublasSetWorkspace");
    cuda::check_cublas(cublas_->set_math_mode(handle_, cuda::kCublasDefaultMath), "cublasSetMathMode");

    weights_ = std::make_unique<cuda::DeviceWeights>(model);

    // Rotary tables for every position, computed exactly as the CPU backend computes its angles.
    const int half = d_.head_dim / 2;
    std::vector<float> cos_host(static_cast<size_t>(d_.context) * half), sin_host(cos_host.size());
    const std::vector<double> &inv_freq = model.inv_freq();
    for (int p = 0; p < d_.context; ++p)
        for (int i = 0; i < half; ++i) {
            const double angle = p * inv_freq[i];
            cos_host[static_cast<size_t>(p) * half + i] = static_cast<float>(std::cos(angle));
            sin_host[static_cast<size_t>(p) * half + i] = static_cast<float>(std::sin(angle));
        }
    cos_.resize(cos_host.size());
    sin_.resize(sin_host.size());
    SG_CUDA_CHECK(cudaMemcpy(cos_.get(), cos_host.data(), cos_host.size() * 4, cudaMemcpyHostToDevice));
    SG_CUDA_CHECK(cudaMemcpy(sin_.get(), sin_host.data(), sin_host.size() * 4, cudaMemcpyHostToDevice));

    // Work buffers for the configured step size, then the sampler's scratch (zeroed counts).
    const int rows = std::max(params.max_batch_tokens > 0 ? params.max_batch_tokens : 8192, std::max(graph_max_, 1));
    capacity_.rows = rows;
    capacity_.entries = std::min(rows, std::max(graph_max_, 256));
    capacity_.logit_rows = std::max(graph_max_, kMinLogitRows);
    capacity_.table_stride = (d_.context + block_size_ - 1) / block_size_;
    partial_capacity_ = cuda::attention_partial_floats(std::max(graph_max_, kMinLogitRows), d_.heads, d_.head_dim, kMaxSplits);
    partials_.resize(partial_capacity_);
    mlp_.resize(static_cast<size_t>(cuda::kGemvMaxRows) * d_.intermediate);
    StepBatch none;
    grow(none, 0);
    sample_work_.resize(static_cast<size_t>(kSamplePass) * d_.vocab);
    sample_counts_.resize(static_cast<size_t>(kSamplePass) * d_.vocab);
    SG_CUDA_CHECK(cudaMemset(sample_counts_.get(), 0, sample_counts_.bytes()));

    // The KV pool last: it takes its share of what is left.
    const uint64_t per_block = kv_bytes_per_block(d_, block_size_, 2);
    if (params.kv_num_blocks > 0) {
        kv_blocks_ = params.kv_num_blocks;
    } else {
        size_t free_bytes = 0, total_bytes = 0;
        SG_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
        kv_blocks_ = kv_blocks_for_budget(device_kv_budget(free_bytes, params.kv_memory_fraction, per_block), per_block,
                                          "the share of free device memory (kv_memory_fraction)");
    }
    kv_.resize(static_cast<size_t>(kv_blocks_ + 1) * per_block / 2);
    SG_CUDA_CHECK(cudaMemset(kv_.get(), 0, kv_.bytes()));
    SG_CUDA_CHECK(cudaDeviceSynchronize());
}

CudaBackend::~CudaBackend() { release(); }

void CudaBackend::release() noexcept {
    cudaSetDevice(device_);
    if (stream_ != nullptr) cudaStreamSynchronize(stream_);
    clear_graphs();
    if (handle_ != nullptr) cublas_->destroy(handle_);
    if (stream_ != nullptr) cudaStreamDestroy(stream_);
    handle_ = nullptr;
    stream_ = nullptr;
}

void CudaBackend::clear_graphs() {
    for (auto &g : graphs_) cudaGraphExecDestroy(g.second);
    graphs_.clear();
}

// Makes the step buffers hold `b` (padded to `padded` rows); called with an empty batch to allocate them first.
void CudaBackend::grow(const StepBatch &b, int padded) {
    DeviceBatchCapacity c = capacity_;
    const int rows = padded > 0 ? padded : b.n_tokens;
    const int entries = padded > 0 ? padded : b.n_entries;
    const int logit_rows = padded > 0 ? padded : static_cast<int>(b.logit_rows.size());
    c.rows = std::max(c.rows, rows);
    c.entries = std::max(c.entries, entries);
    c.logit_rows = std::max(c.logit_rows, logit_rows);
    const bool first = meta_.get() == nullptr;
    if (!first && c.rows == capacity_.rows && c.entries == capacity_.entries && c.logit_rows == capacity_.logit_rows) return;
    if (!first) {
        SG_CUDA_CHECK(cudaStreamSynchronize(stream_));
        clear_graphs();  // they point at the buffers about to move
    }
    capacity_ = c;
    const size_t words = device_batch_layout(c).words;
    meta_.resize(words);
    meta_host_.reserve(words);
    const size_t r = static_cast<size_t>(c.rows);
    x_.resize(r * d_.hidden);
    act_.resize(r * std::max({d_.hidden, d_.q_dim, d_.intermediate}));
    proj_.resize(r * (d_.q_dim + 2 * d_.kv_dim));
    gate_up_.resize(r * 2 * d_.intermediate);
    q_.resize(r * d_.q_dim);
    tickets_.resize(r * d_.kv_heads);
    // On stream_, not with cudaMemset: that runs on the legacy stream, which a non-blocking stream does not wait for.
    SG_CUDA_CHECK(cudaMemsetAsync(tickets_.get(), 0, tickets_.bytes(), stream_));
    logits_.resize(static_cast<size_t>(c.logit_rows) * d_.vocab);
}

void CudaBackend::matmul(const bf16_bits *x, int rows, const cuda::DeviceMatrix &w, float *y, bool accumulate) {
    if (rows <= 0) return;
    if (rows <= cuda::kGemvMaxRows) {
        cuda::gemv(w.data, x, y, rows, w.rows, w.cols, accumulate, kernels_);
        return;
    }
    gemm(x, rows, w, y, CUDA_R_32F, accumulate ? 1.0f : 0.0f);
}

// cuBLAS: row-major y[rows, n] = x[rows, k] * w[n, k]^T (+ beta y) is column-major y^T = w^T(as stored) * x^T.
void CudaBackend::gemm(const bf16_bits *x, int rows, const cuda::DeviceMatrix &w, void *y, cudaDataType y_type, float beta) {
    const float alpha = 1.0f;
    cuda::check_cublas(cublas_->gemm_ex(handle_, cuda::kCublasOpT, cuda::kCublasOpN, w.rows, rows, w.cols, &alpha, w.data,
                                        CUDA_R_16BF, w.cols, x, CUDA_R_16BF, w.cols, &beta, y, y_type, w.rows,
                                        cuda::kCublasCompute32F, cuda::kCublasGemmDefault),
                       "cublasGemmEx");
}

void CudaBackend::forward(const DeviceBatchPlan &plan, const AttentionSplit &split) {
    const DeviceBatchLayout &l = plan.layout;
    const int32_t *meta = meta_.get();
    const int32_t *tokens = meta + l.tokens, *positions = meta + l.positions, *slots = meta + l.slots;
    const int32_t *row_entry = meta + l.row_entry, *tables = meta + l.block_tables, *logit_rows = meta + l.logit_rows;
    const int rows = plan.rows;
    const float eps = model_.config().rms_norm_eps;
    cuda::embed_rows(weights_->embed().data, tokens, rows, d_.hidden, x_.get(), kernels_);
    const cuda::AttentionShape shape{rows, d_.heads, d_.kv_heads, d_.head_dim, block_size_, capacity_.table_stride,
                                     split.splits, split.partition};
    for (int layer = 0; layer < d_.layers; ++layer) {
        const cuda::DeviceLayer &w = weights_->layers()[layer];
        cuda::rms_norm(x_.get(), nullptr, rows, d_.hidden, w.input_norm, eps, act_.get(), kernels_);
        const cuda::QkvRope rope{w.qkv_bias, positions, slots, cos_.get(), sin_.get(), d_.heads, d_.kv_heads, d_.head_dim,
                                 block_size_, q_.get(), kv_layer(layer)};
        if (rows <= cuda::kGemvMaxRows) {  // decode: bias, rotary and the KV store in the q/k/v gemv's epilogue
            cuda::gemv_qkv_rope(w.qkv.data, act_.get(), rows, d_.hidden, rope, kernels_);
        } else {
            matmul(act_.get(), rows, w.qkv, proj_.get(), false);
            cuda::qkv_rope_store(proj_.get(), rows, rope, kernels_);
        }
        cuda::attention(shape, q_.get(), kv_layer(layer), positions, row_entry, tables, partials_.get(), tickets_.get(),
                        act_.get(), kernels_);
        matmul(act_.get(), rows, w.o, x_.get(), true);
        if (w.o_bias != nullptr) cuda::add_bias(x_.get(), w.o_bias, rows, d_.hidden, kernels_);
        cuda::rms_norm(x_.get(), nullptr, rows, d_.hidden, w.post_attention_norm, eps, act_.get(), kernels_);
        if (rows <= cuda::kGemvMaxRows) {  // decode: SwiGLU in the gate/up gemv's epilogue
            cuda::gemv_swiglu(w.gate_up.data, act_.get(), mlp_.get(), rows, d_.intermediate, d_.hidden, kernels_);
            matmul(mlp_.get(), rows, w.down, x_.get(), true);
        } else {
            gemm(act_.get(), rows, w.gate_up, gate_up_.get(), CUDA_R_16BF, 0.0f);
            cuda::swiglu(gate_up_.get(), rows, d_.intermediate, act_.get(), kernels_);
            matmul(act_.get(), rows, w.down, x_.get(), true);
        }
    }
    if (plan.logit_rows == 0) return;
    cuda::rms_norm(x_.get(), logit_rows, plan.logit_rows, d_.hidden, weights_->final_norm(), eps, act_.get(), kernels_);
    matmul(act_.get(), plan.logit_rows, weights_->lm_head(), logits_.get(), false);
}

void CudaBackend::run_graph(const DeviceBatchPlan &plan, const AttentionSplit &split) {
    const std::pair<int, int> key{plan.rows, split.splits};
    auto it = graphs_.find(key);
    if (it == graphs_.end()) {
        const cudaGraphExec_t exec = capture(plan, split);
        if (exec == nullptr) {  // graphs are now off: this step and the later ones run eagerly
            forward(plan, split);
            return;
        }
        it = graphs_.emplace(key, exec).first;
    }
    SG_CUDA_CHECK(cudaGraphLaunch(it->second, stream_));
}

// Captures forward() for this shape. Graphs are an optimisation: any failure (in the capture, at its end, or at
// instantiation) ends the capture, turns graphs off for this engine with one log line, and returns null so the
// caller runs the same kernels eagerly, instead of failing every later decode step.
cudaGraphExec_t CudaBackend::capture(const DeviceBatchPlan &plan, const AttentionSplit &split) {
    std::string failure;
    cudaGraph_t graph = nullptr;
    cudaGraphExec_t exec = nullptr;
    const cudaError_t began = cudaStreamBeginCapture(stream_, cudaStreamCaptureModeThreadLocal);
    if (began != cudaSuccess) {
        failure = std::string("cudaStreamBeginCapture: ") + cudaGetErrorName(began);
    } else {
        try {
            forward(plan, split);
        } catch (const std::exception &e) {
            failure = e.what();
        } catch (...) {
            failure = "unknown exception";
        }
        const cudaError_t ended = cudaStreamEndCapture(stream_, &graph);  // always: the stream must leave capture mode
        if (failure.empty() && ended != cudaSuccess) failure = std::string("cudaStreamEndCapture: ") + cudaGetErrorName(ended);
        if (failure.empty()) {
            const cudaError_t instantiated = cudaGraphInstantiate(&exec, graph, 0);
            if (instantiated != cudaSuccess) {
                failure = std::string("cudaGraphInstantiate: ") + cudaGetErrorName(instantiated);
                exec = nullptr;
            }
        }
        if (graph != nullptr) cudaGraphDestroy(graph);
    }
    if (failure.empty()) return exec;
    cudaGetLastError();  // a refused capture leaves an error that is not the next call's business
    graphs_enabled_ = false;
    std::fprintf(stderr, "streamgate: CUDA graph capture failed, running decode steps without graphs: %s\n", failure.c_str());
    return nullptr;
}

// The step's packed metadata crosses the bus in one copy.
void CudaBackend::upload(const DeviceBatchPlan &plan) {
    SG_CUDA_CHECK(cudaMemcpyAsync(meta_.get(), meta_host_.get(), plan.layout.words * 4, cudaMemcpyHostToDevice, stream_));
}

void CudaBackend::step(const StepBatch &b, const sg_step_output &out) {
    if (b.n_tokens == 0) return;
    SG_CUDA_CHECK(cudaSetDevice(device_));
    const int padded = graphs_enabled_ && decode_only(b) ? graph_batch_for(b.n_entries, graph_max_) : 0;
    if (!device_batch_fits(b, block_size_, capacity_, padded)) grow(b, padded);
    const DeviceBatchPlan plan = fill_device_batch(b, block_size_, kv_blocks_, capacity_, padded, meta_host_.get());
    const size_t per_split = static_cast<size_t>(plan.rows) * cuda::attention_partial_floats(1, d_.heads, d_.head_dim, 1);
    const int split_room = static_cast<int>(std::min<size_t>(kMaxSplits, partial_capacity_ / per_split));
    const AttentionSplit split = attention_split(plan.max_context, padded > 0 ? kMaxSplits : std::max(1, split_room),
                                                 padded > 0, d_.context);
    upload(plan);
    if (padded > 0 && graphs_enabled_) {
        run_graph(plan, split);
    } else {
        forward(plan, split);
    }
    const bool graph = padded > 0;
    if (b.logits_mode != SG_LOGITS_NONE) copy_logits(b, graph, out);
    if (b.n_sampled > 0) sample(b, graph, out);
    SG_CUDA_CHECK(cudaStreamSynchronize(stream_));
}

// Logit rows of the forward pass: the batch's logit_rows in order, or (graph) one per padded row.
void CudaBackend::copy_logits(const StepBatch &b, bool graph, const sg_step_output &out) {
    const size_t row_bytes = static_cast<size_t>(d_.vocab) * 4;
    if (b.logits_mode == SG_LOGITS_ALL) {  // graph steps are decode-only: rows are entries are tokens
        SG_CUDA_CHECK(cudaMemcpyAsync(out.logits, logits_.get(), static_cast<size_t>(b.n_tokens) * row_bytes,
                                      cudaMemcpyDeviceToHost, stream_));
        return;
    }
    for (int i = 0; i < b.n_entries; ++i) {
        const int row = graph ? i : b.entry_last_row[i];
        SG_CUDA_CHECK(cudaMemcpyAsync(out.logits + static_cast<size_t>(i) * d_.vocab,
                                      logits_.get() + static_cast<size_t>(row) * d_.vocab, row_bytes,
                                      cudaMemcpyDeviceToHost, stream_));
    }
}

void CudaBackend::sample(const StepBatch &b, bool graph, const sg_step_output &out) {
    const int n = b.n_sampled;
    size_t history_words = 0;
    for (int i = 0; i < b.n_entries; ++i) {
        const sg_batch_entry &e = b.entries[i];
        const sg_sampling_params &s = e.sampling;
        const bool penalised = s.repetition_penalty != 1.0f || s.presence_penalty != 0.0f || s.frequency_penalty != 0.0f;
        if (b.sample_slot[i] >= 0 && penalised) history_words += static_cast<size_t>(e.n_history);
    }
    requests_host_.reserve(n);
    history_host_.reserve(history_words);
    if (requests_.size() < static_cast<size_t>(n)) requests_.resize(std::max<size_t>(n, 2 * requests_.size()));
    if (history_.size() < std::max<size_t>(history_words, 1))
        history_.resize(std::max<size_t>(history_words, 2 * history_.size()) + 1);
    size_t at = 0;
    for (int i = 0; i < b.n_entries; ++i) {
        const int slot = b.sample_slot[i];
        if (slot < 0) continue;
        const sg_batch_entry &e = b.entries[i];
        const sg_sampling_params &s = e.sampling;
        cuda::SampleRequest &r = requests_host_.get()[slot];
        r.temperature = s.temperature;
        r.top_k = s.top_k;
        r.top_p = s.top_p;
        r.min_p = s.min_p;
        r.repetition_penalty = s.repetition_penalty;
        r.presence_penalty = s.presence_penalty;
        r.frequency_penalty = s.frequency_penalty;
        r.logprobs = s.logprobs;
        r.seed = s.seed;
        r.position = static_cast<int64_t>(e.position) + e.n_tokens;
        r.logit_row = graph ? i : b.entry_last_row[i];
        const bool penalised = s.repetition_penalty != 1.0f || s.presence_penalty != 0.0f || s.frequency_penalty != 0.0f;
        r.history_offset = static_cast<int32_t>(at);
        r.history_length = penalised ? e.n_history : 0;
        r.reserved = 0;
        if (r.history_length > 0) {
            std::memcpy(history_host_.get() + at, e.history, static_cast<size_t>(e.n_history) * 4);
            at += static_cast<size_t>(e.n_history);
        }
    }
    SG_CUDA_CHECK(cudaMemcpyAsync(requests_.get(), requests_host_.get(), sizeof(cuda::SampleRequest) * n,
                                  cudaMemcpyHostToDevice, stream_));
    if (at > 0)
        SG_CUDA_CHECK(cudaMemcpyAsync(history_.get(), history_host_.get(), at * 4, cudaMemcpyHostToDevice, stream_));
    // Outputs: tokens[n], logprobs[n], top_tokens[n * m], top_logprobs[n * m].
    const size_t m = static_cast<size_t>(max_logprobs_), bytes = static_cast<size_t>(n) * (8 + 8 * m);
    if (sample_out_.size() < bytes) sample_out_.resize(std::max(bytes, 2 * sample_out_.size()));
    sample_out_host_.reserve(bytes);
    unsigned char *base = sample_out_.get();
    int32_t *tokens = reinterpret_cast<int32_t *>(base);
    float *logprobs = reinterpret_cast<float *>(base + 4 * static_cast<size_t>(n));
    int32_t *top_tokens = reinterpret_cast<int32_t *>(base + 8 * static_cast<size_t>(n));
    float *top_logprobs = reinterpret_cast<float *>(base + 8 * static_cast<size_t>(n) + 4 * m * n);
    for (int first = 0; first < n; first += kSamplePass) {
        const int count = std::min(kSamplePass, n - first);
        cuda::sample(logits_.get(), d_.vocab, requests_.get() + first, count, history_.get(), sample_work_.get(),
                     sample_counts_.get(), max_logprobs_, tokens + first, logprobs + first, top_tokens + first * m,
                     top_logprobs + first * m, kernels_);
    }
    SG_CUDA_CHECK(cudaMemcpyAsync(sample_out_host_.get(), base, bytes, cudaMemcpyDeviceToHost, stream_));
    SG_CUDA_CHECK(cudaStreamSynchronize(stream_));
    const unsigned char *h = sample_out_host_.get();
    std::memcpy(out.tokens, h, 4 * static_cast<size_t>(n));
    std::memcpy(out.logprobs, h + 4 * static_cast<size_t>(n), 4 * static_cast<size_t>(n));
    if (m > 0) {
        std::memcpy(out.top_tokens, h + 8 * static_cast<size_t>(n), 4 * m * n);
        std::memcpy(out.top_logprobs, h + 8 * static_cast<size_t>(n) + 4 * m * n, 4 * m * n);
    }
}

}  // namespace

std::string cuda_unavailable_reason(int device) {
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) {
        cudaGetLastError();
        return std::string("no CUDA device: ") + cudaGetErrorName(status) + " (" + cudaGetErrorString(status) + ")";
    }
    if (count == 0) return "no CUDA device: the driver reports none";
    if (device >= count)
        return "CUDA device " + std::to_string(device) + " requested, " + std::to_string(count) + " present";
    cudaDeviceProp props{};
    if (cudaGetDeviceProperties(&props, device) != cudaSuccess) {
        cudaGetLastError();
        return "cannot read the properties of CUDA device " + std::to_string(device);
    }
    if (props.major < 9)
        return std::string("CUDA device ") + props.name + " has compute capability " + std::to_string(props.major) + "." +
               std::to_string(props.minor) + "; this build targets sm_90 (Hopper) and later";
    std::string reason;
    if (cuda::cublas_api(&reason) == nullptr) return reason;
    return "";
}

std::unique_ptr<Backend> make_cuda_backend(const Model &model, const sg_engine_params &params) {
    return std::make_unique<CudaBackend>(model, params);
}

}  // namespace sg
