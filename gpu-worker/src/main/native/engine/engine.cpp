// The C API: argument checks, backend choice and the exception-to-status boundary. No exception
// leaves this file; the last error message is kept per thread.
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <string>

#include "backend.h"
#include "batch.h"
#include "errors.h"
#include "model.h"
#include "streamgate_engine.h"

// Java writes these structs as raw bytes, field i at offset 4*i (see the header).
static_assert(sizeof(sg_model_config) == 18 * 4, "sg_model_config must stay 18 32-bit fields");
static_assert(offsetof(sg_model_config, rope_original_max_position_embeddings) == 17 * 4, "sg_model_config layout");
static_assert(sizeof(sg_engine_params) == 12 * 4, "sg_engine_params must stay 12 32-bit fields");
static_assert(offsetof(sg_engine_params, cuda_programmatic_launch) == 11 * 4, "sg_engine_params layout");

struct sg_engine {
    std::unique_ptr<sg::Model> model;
    std::unique_ptr<sg::Backend> backend;
    sg_engine_params params;
};

namespace {

thread_local std::string last_error;

template <class Body>
int guarded(Body &&body) {
    try {
        body();
        last_error.clear();
        return SG_OK;
    } catch (const sg::EngineError &e) {
        last_error = e.what();
        return e.status();
    } catch (const std::bad_alloc &) {
        last_error = "out of memory";
        return SG_ERR_OUT_OF_MEMORY;
    } catch (const std::exception &e) {
        last_error = std::string("internal error: ") + e.what();
        return SG_ERR_INTERNAL;
    } catch (...) {
        last_error = "internal error";
        return SG_ERR_INTERNAL;
    }
}

void validate_params(const sg_engine_params &p) {
    using sg::fail;
    if (p.backend != SG_BACKEND_AUTO && p.backend != SG_BACKEND_CPU && p.backend != SG_BACKEND_CPU_SCALAR &&
        p.backend != SG_BACKEND_CUDA)
        fail(SG_ERR_UNSUPPORTED, "engine params: unknown backend %d", p.backend);
    if (p.n_threads < 0) fail(SG_ERR_INVALID_ARGUMENT, "engine params: n_threads must be >= 0, got %d", p.n_threads);
    if (p.kv_block_size < 1 || p.kv_block_size > 4096)
        fail(SG_ERR_INVALID_ARGUMENT, "engine params: kv_block_size must be in [1, 4096], got %d", p.kv_block_size);
    if (p.kv_num_blocks < 0) fail(SG_ERR_INVALID_ARGUMENT, "engine params: kv_num_blocks must be >= 0, got %d", p.kv_num_blocks);
    if (p.kv_num_blocks == 0 && p.kv_cache_mib < 1)
        fail(SG_ERR_INVALID_ARGUMENT, "engine params: kv_cache_mib must be >= 1 when kv_num_blocks is 0, got %d",
             p.kv_cache_mib);
    if (!(p.kv_memory_fraction > 0.0f && p.kv_memory_fraction <= 1.0f))
        fail(SG_ERR_INVALID_ARGUMENT, "engine params: kv_memory_fraction must be in (0, 1], got %g",
             static_cast<double>(p.kv_memory_fraction));
    if (p.max_batch_tokens < 0 || p.max_batch_tokens > (1 << 20))
        fail(SG_ERR_INVALID_ARGUMENT, "engine params: max_batch_tokens must be in [0, 1048576], got %d", p.max_batch_tokens);
    if (p.cuda_graph_max_batch < 0 || p.cuda_graph_max_batch > 4096)
        fail(SG_ERR_INVALID_ARGUMENT, "engine params: cuda_graph_max_batch must be in [0, 4096], got %d",
             p.cuda_graph_max_batch);
    if (p.device < 0) fail(SG_ERR_INVALID_ARGUMENT, "engine params: device must be >= 0, got %d", p.device);
    if (p.cuda_programmatic_launch != 0 && p.cuda_programmatic_launch != 1)
        fail(SG_ERR_INVALID_ARGUMENT, "engine params: cuda_programmatic_launch must be 0 or 1, got %d",
             p.cuda_programmatic_launch);
    if (p.kv_dtype != SG_DTYPE_F32 && p.kv_dtype != SG_DTYPE_BF16)
        fail(SG_ERR_UNSUPPORTED, "engine params: kv_dtype must be SG_DTYPE_F32 or SG_DTYPE_BF16, got %d", p.kv_dtype);
    if (p.max_logprobs < 0 || p.max_logprobs > 1024)
        fail(SG_ERR_INVALID_ARGUMENT, "engine params: max_logprobs must be in [0, 1024], got %d", p.max_logprobs);
}

sg::StepBatch plan(const sg_engine *engine, const sg_batch_entry *entries, int32_t n, int32_t logits_mode) {
    const sg::KvGeometry kv{engine->params.kv_block_size, engine->backend->kv_num_blocks()};
    return sg::plan_step(entries, n, logits_mode, engine->model->dims(), kv, engine->params.max_logprobs);
}

// AUTO takes CUDA only when it can run here; a CUDA backend that then fails to start (a model too large for
// the device, say) is an error, not a silent move to the CPU.
std::unique_ptr<sg::Backend> make_backend(const sg::Model &model, const sg_engine_params &params) {
    if (params.backend == SG_BACKEND_CUDA || params.backend == SG_BACKEND_AUTO) {
        const std::string reason = sg::cuda_unavailable_reason(params.device);
        if (reason.empty()) return sg::make_cuda_backend(model, params);
        if (params.backend == SG_BACKEND_CUDA) sg::fail(SG_ERR_UNSUPPORTED, "CUDA backend: %s", reason.c_str());
    }
    return sg::make_cpu_backend(model, params, params.backend != SG_BACKEND_CPU_SCALAR);
}

}  // namespace

extern "C" {

const char *sg_last_error(void) { return last_error.c_str(); }

sg_engine_params sg_engine_default_params(void) {
    sg_engine_params p;
    p.backend = SG_BACKEND_AUTO;
    p.n_threads = 0;
    p.kv_block_size = 16;
    p.kv_num_blocks = 0;  /* size the pool from memory: kv_cache_mib on the CPU, kv_memory_fraction on a GPU */
    p.kv_dtype = SG_DTYPE_F32;
    p.max_logprobs = 20;
    p.kv_cache_mib = 256;
    p.kv_memory_fraction = 0.9f;
    p.max_batch_tokens = 8192;
    p.cuda_graph_max_batch = 256;
    p.device = 0;
    p.cuda_programmatic_launch = 1;
    return p;
}

int sg_backend_probe(int32_t backend) {
    return guarded([&] {
        switch (backend) {
            case SG_BACKEND_AUTO:
            case SG_BACKEND_CPU:
            case SG_BACKEND_CPU_SCALAR: return;
            case SG_BACKEND_CUDA: {
                const std::string reason = sg::cuda_unavailable_reason(0);
                if (!reason.empty()) sg::fail(SG_ERR_UNSUPPORTED, "%s", reason.c_str());
                return;
            }
            default: sg::fail(SG_ERR_UNSUPPORTED, "unknown backend %d", backend);
        }
    });
}

int sg_engine_create(const sg_model_config *config, const sg_tensor_info *tensors, int32_t n_tensors,
                     const sg_engine_params *params, sg_engine **out) {
    return guarded([&] {
        if (config == nullptr || params == nullptr || out == nullptr)
            sg::fail(SG_ERR_INVALID_ARGUMENT, "sg_engine_create: config, params and out are required");
        *out = nullptr;
        validate_params(*params);
        auto engine = std::make_unique<sg_engine>();
        engine->params = *params;
        engine->model = std::make_unique<sg::Model>(*config, tensors, n_tensors);
        engine->backend = make_backend(*engine->model, *params);
        *out = engine.release();
    });
}

void sg_engine_free(sg_engine *engine) { delete engine; }

const char *sg_engine_backend_name(const sg_engine *engine) {
    return engine == nullptr ? "" : engine->backend->name();
}

int32_t sg_engine_kv_num_blocks(const sg_engine *engine) { return engine == nullptr ? 0 : engine->backend->kv_num_blocks(); }

int sg_engine_step(sg_engine *engine, const sg_batch_entry *entries, int32_t n_entries, int32_t logits_mode,
                   sg_step_output *out) {
    return guarded([&] {
        if (engine == nullptr || out == nullptr) sg::fail(SG_ERR_INVALID_ARGUMENT, "sg_engine_step: engine and out are required");
        const sg::StepBatch batch = plan(engine, entries, n_entries, logits_mode);
        if (batch.n_sampled > 0 && (out->tokens == nullptr || out->logprobs == nullptr ||
                                    (engine->params.max_logprobs > 0 && (out->top_tokens == nullptr || out->top_logprobs == nullptr))))
            sg::fail(SG_ERR_INVALID_ARGUMENT, "sg_engine_step: output arrays for sampled tokens are missing");
        if (batch.n_returned_logit_rows > 0 && out->logits == nullptr)
            sg::fail(SG_ERR_INVALID_ARGUMENT, "sg_engine_step: logits were asked for but out->logits is NULL");
        engine->backend->step(batch, *out);
    });
}

int sg_packed_output_bytes(const sg_engine *engine, const void *data, size_t bytes, size_t *out_bytes) {
    return guarded([&] {
        if (engine == nullptr || out_bytes == nullptr)
            sg::fail(SG_ERR_INVALID_ARGUMENT, "sg_packed_output_bytes: engine and out_bytes are required");
        int logits_mode = 0;
        const std::vector<sg_batch_entry> entries = sg::unpack_batch(data, bytes, &logits_mode);
        const sg::StepBatch batch = plan(engine, entries.data(), static_cast<int32_t>(entries.size()), logits_mode);
        *out_bytes = sg::packed_output_bytes(batch, engine->params.max_logprobs, engine->model->dims().vocab);
    });
}

int sg_engine_step_packed(sg_engine *engine, const void *data, size_t bytes, void *out, size_t out_bytes) {
    return guarded([&] {
        if (engine == nullptr) sg::fail(SG_ERR_INVALID_ARGUMENT, "sg_engine_step_packed: engine is required");
        int logits_mode = 0;
        const std::vector<sg_batch_entry> entries = sg::unpack_batch(data, bytes, &logits_mode);
        const sg::StepBatch batch = plan(engine, entries.data(), static_cast<int32_t>(entries.size()), logits_mode);
        const size_t needed = sg::packed_output_bytes(batch, engine->params.max_logprobs, engine->model->dims().vocab);
        if (out_bytes < needed || (needed > 0 && out == nullptr))
            sg::fail(SG_ERR_INVALID_ARGUMENT, "packed output: %zu bytes given, the step needs %zu", out_bytes, needed);
        if (reinterpret_cast<uintptr_t>(out) % 4 != 0) sg::fail(SG_ERR_INVALID_ARGUMENT, "packed output: not 4-byte aligned");
        const size_t sampled = static_cast<size_t>(batch.n_sampled), top = sampled * engine->params.max_logprobs;
        unsigned char *base = static_cast<unsigned char *>(out);
        sg_step_output o;
        o.tokens = reinterpret_cast<int32_t *>(base);
        o.logprobs = reinterpret_cast<float *>(base + sampled * 4);
        o.top_tokens = reinterpret_cast<int32_t *>(base + sampled * 8);
        o.top_logprobs = reinterpret_cast<float *>(base + sampled * 8 + top * 4);
        o.logits = batch.n_returned_logit_rows > 0 ? reinterpret_cast<float *>(base + sampled * 8 + top * 8) : nullptr;
        engine->backend->step(batch, o);
    });
}

}  // extern "C"
