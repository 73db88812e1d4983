/*
 * streamgate_engine.h — the whole contract of StreamGate's native inference engine.
 *
 * The engine runs Llama-family decoder models (Llama, Qwen2) over a paged KV cache. It keeps no
 * per-sequence state: the caller owns block allocation, block tables and token histories, and hands
 * them in with every step (the vLLM v1 model). One step runs a flat batch that mixes prefill chunks
 * and decode tokens of many sequences, then samples the next token of the entries that ask for it.
 *
 * Parsing config.json and safetensors headers is the caller's job: the engine is given a model
 * description (sg_model_config) and a table of tensors (sg_tensor_info) that either point into files,
 * which the engine memory-maps, or into caller-owned host memory.
 *
 * Threading: an sg_engine is not thread-safe; drive it from one thread at a time. sg_last_error()
 * is per calling thread. Every function that returns int returns one of the SG_* status codes.
 */
#ifndef STREAMGATE_ENGINE_H
#define STREAMGATE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define SG_API __attribute__((visibility("default")))
#else
#define SG_API
#endif

/* ---- status codes ------------------------------------------------------------------------ */
#define SG_OK 0
#define SG_ERR_INVALID_ARGUMENT 1 /* a malformed parameter, batch or buffer (message says which) */
#define SG_ERR_UNSUPPORTED 2      /* an architecture, dtype, rope type or backend this build cannot run */
#define SG_ERR_MODEL 3            /* a missing or mis-shaped tensor, a tensor outside its file */
#define SG_ERR_IO 4               /* a weights file that cannot be opened or mapped */
#define SG_ERR_OUT_OF_MEMORY 5    /* the KV pool or the activations could not be allocated */
#define SG_ERR_INTERNAL 6         /* a bug: anything else the engine did not expect */

/* The message of the last error on the calling thread ("" when none); valid until the next call. */
SG_API const char *sg_last_error(void);

/* ---- enumerations ------------------------------------------------------------------------ */
#define SG_ARCH_LLAMA 1 /* LlamaForCausalLM (also Llama-3 rope scaling) */
#define SG_ARCH_QWEN2 2 /* Qwen2ForCausalLM: q/k/v projections carry a bias */

#define SG_DTYPE_F32 0
#define SG_DTYPE_F16 1
#define SG_DTYPE_BF16 2

#define SG_ROPE_DEFAULT 0 /* inv_freq[i] = theta^(-2i/head_dim) */
#define SG_ROPE_LINEAR 1  /* default frequencies divided by rope_factor */
#define SG_ROPE_LLAMA3 2  /* Llama-3.1 frequency-dependent scaling */

#define SG_BACKEND_AUTO 0       /* the best backend this build and machine offer */
#define SG_BACKEND_CPU 1        /* CPU with the widest SIMD the processor supports */
#define SG_BACKEND_CPU_SCALAR 2 /* CPU without SIMD kernels (reference and fallback) */
#define SG_BACKEND_CUDA 3       /* an NVIDIA GPU through CUDA (builds made where nvcc was found) */

/* ---- model description -------------------------------------------------------------------- */
/* All fields are 32-bit so that the struct has one layout everywhere (callers such as the JNI
 * side may write it as raw bytes: field i lives at byte offset 4*i). */
typedef struct sg_model_config {
    int32_t architecture;            /* SG_ARCH_* */
    int32_t vocab_size;
    int32_t hidden_size;
    int32_t intermediate_size;
    int32_t num_hidden_layers;
    int32_t num_attention_heads;
    int32_t num_key_value_heads;
    int32_t head_dim;                /* 0: hidden_size / num_attention_heads */
    int32_t max_position_embeddings; /* the context length */
    int32_t tie_word_embeddings;     /* 1: lm_head reuses model.embed_tokens.weight */
    int32_t attention_bias;          /* Llama: q/k/v/o projections have a bias; Qwen2 has q/k/v bias regardless */
    float rms_norm_eps;
    int32_t rope_type;               /* SG_ROPE_* */
    float rope_theta;
    float rope_factor;               /* LINEAR and LLAMA3 */
    float rope_low_freq_factor;      /* LLAMA3 */
    float rope_high_freq_factor;     /* LLAMA3 */
    int32_t rope_original_max_position_embeddings; /* LLAMA3 */
} sg_model_config;

#define SG_MAX_DIMS 4

/* One tensor of the checkpoint, by its Hugging Face name (e.g. "model.layers.0.self_attn.q_proj.weight").
 * Data lives either in a file (path != NULL: `offset` bytes from the start of the file, which the
 * engine maps read-only and keeps mapped) or in caller memory (path == NULL: `data`, which must stay
 * valid until sg_engine_free). Tensors the engine does not use are ignored. */
typedef struct sg_tensor_info {
    const char *name;
    const char *path;
    const void *data;
    uint64_t offset;
    int32_t dtype; /* SG_DTYPE_* */
    int32_t n_dims;
    int64_t shape[SG_MAX_DIMS]; /* row-major, as safetensors stores it ([out_features, in_features]) */
} sg_tensor_info;

/* ---- engine --------------------------------------------------------------------------------- */
typedef struct sg_engine sg_engine;

/* Engine parameters; 32-bit fields only (same layout rule as sg_model_config).
 *
 * Backend choice: SG_BACKEND_AUTO runs CUDA when this build has it and a device is usable (the CUDA
 * runtime finds a driver and at least one GPU, and cuBLAS can be loaded), the CPU otherwise; an explicit
 * SG_BACKEND_CUDA that cannot run fails with SG_ERR_UNSUPPORTED and the reason (see sg_backend_probe).
 * The CUDA backend keeps weights in bf16 on the device and its KV pool in bf16 (kv_dtype is ignored). */
typedef struct sg_engine_params {
    int32_t backend;       /* SG_BACKEND_* */
    int32_t n_threads;     /* CPU worker threads; 0: one per available core */
    int32_t kv_block_size; /* tokens per KV block */
    int32_t kv_num_blocks; /* blocks in the pool; 0: size the pool from memory (below) */
    int32_t kv_dtype;      /* SG_DTYPE_F32 or SG_DTYPE_BF16 (halves the pool, rounds K/V); CPU only */
    int32_t max_logprobs;  /* most top alternatives a sampling entry may ask for */
    int32_t kv_cache_mib;  /* CPU, kv_num_blocks 0: the pool's size in MiB */
    float kv_memory_fraction;     /* CUDA, kv_num_blocks 0: share of the device memory left free after
                                   * weights and work buffers that the pool takes, in (0, 1] */
    int32_t max_batch_tokens;     /* CUDA: tokens per step the work buffers are first sized for (larger
                                   * steps grow them); 0: 8192 */
    int32_t cuda_graph_max_batch; /* CUDA: decode-only steps of up to this many sequences replay captured
                                   * graphs; 0: no graphs */
    int32_t device;               /* CUDA: device ordinal */
    int32_t cuda_programmatic_launch; /* CUDA: 1 launches the backend's kernels with programmatic dependent
                                       * launch, so each starts while the one before it drains; 0: plain */
} sg_engine_params;

SG_API sg_engine_params sg_engine_default_params(void);

/* Whether `backend` can run here: SG_OK, or SG_ERR_UNSUPPORTED with the reason in sg_last_error()
 * (e.g. "this build has no CUDA backend", "no CUDA device: ..."). SG_BACKEND_AUTO is always available. */
SG_API int sg_backend_probe(int32_t backend);

/* Validates the config, binds and shape-checks every tensor the architecture needs (a missing or
 * mis-shaped tensor fails with SG_ERR_MODEL naming it, expected and actual shape), allocates the KV
 * pool and picks the backend. On success *out owns everything; free it with sg_engine_free. */
SG_API int sg_engine_create(const sg_model_config *config, const sg_tensor_info *tensors, int32_t n_tensors,
                            const sg_engine_params *params, sg_engine **out);

SG_API void sg_engine_free(sg_engine *engine);

/* The backend actually running: "cpu-avx2", "cpu-scalar", "cuda-sm90" (compute capability). Owned by the engine. */
SG_API const char *sg_engine_backend_name(const sg_engine *engine);

/* Blocks in the KV pool (as sized at creation); valid block ids are 0 .. n-1. */
SG_API int32_t sg_engine_kv_num_blocks(const sg_engine *engine);

/* ---- one step --------------------------------------------------------------------------------- */
/* How to pick a token. temperature 0 is greedy (argmax, lowest id on ties). Filters are off at
 * top_k <= 0, top_p >= 1, min_p <= 0, repetition_penalty 1, presence/frequency_penalty 0.
 * Order: penalties over the history (repetition as in CTRL/HF: positive logits divided, negative
 * multiplied; presence subtracted once per distinct token; frequency once per occurrence), then
 * temperature, top-k, top-p, min-p (relative to the most likely token), then one draw.
 * The draw is a pure function of (seed, position of the sampled token), so a sequence recomputed
 * after preemption draws the same tokens. Logprobs are the log-softmax of the model's raw logits. */
typedef struct sg_sampling_params {
    float temperature;
    int32_t top_k;
    float top_p;
    float min_p;
    float repetition_penalty;
    float presence_penalty;
    float frequency_penalty;
    int32_t logprobs; /* 0: none; n > 0: the sampled token's logprob and the n most likely tokens */
    uint64_t seed;
} sg_sampling_params;

/* One sequence's share of a step: n_tokens new tokens at positions position .. position+n_tokens-1,
 * whose K/V are written through block_table (position p lives in block block_table[p / kv_block_size],
 * slot p % kv_block_size); attention reads every earlier position through the same table. */
typedef struct sg_batch_entry {
    const int32_t *tokens;
    int32_t n_tokens;
    int32_t position;
    const int32_t *block_table;
    int32_t n_blocks; /* must cover position + n_tokens - 1 */
    int32_t sample;   /* 1: sample a token after the last new one */
    const int32_t *history; /* tokens the penalties count; may be NULL when no penalty is set */
    int32_t n_history;
    sg_sampling_params sampling;
} sg_batch_entry;

#define SG_LOGITS_NONE 0 /* only sample */
#define SG_LOGITS_LAST 1 /* also return the logits of every entry's last new position */
#define SG_LOGITS_ALL 2  /* also return the logits of every new position, in batch order */

/* Outputs of one step, in caller memory. Sampling entries are numbered in batch order. */
typedef struct sg_step_output {
    int32_t *tokens;       /* [n_sampled] */
    float *logprobs;       /* [n_sampled]; NaN where not asked */
    int32_t *top_tokens;   /* [n_sampled * max_logprobs]; -1 past what was asked */
    float *top_logprobs;   /* [n_sampled * max_logprobs] */
    float *logits;         /* [rows * vocab_size] per logits_mode (rows = entries or tokens); may be NULL for NONE */
} sg_step_output;

SG_API int sg_engine_step(sg_engine *engine, const sg_batch_entry *entries, int32_t n_entries, int32_t logits_mode,
                          sg_step_output *out);

/* ---- packed step (for callers that share memory, such as a JVM with direct buffers) -----------
 * The input buffer, native byte order, every item 4-byte aligned:
 *   int32 magic (SG_PACKED_MAGIC), int32 n_entries, int32 logits_mode, int32 reserved (0)
 *   n_entries records of SG_PACKED_ENTRY_BYTES bytes:
 *     int32 n_tokens, int32 position, int32 n_blocks, int32 sample, int32 n_history,
 *     then sg_sampling_params' fields in their order (float temperature, int32 top_k, float top_p,
 *     float min_p, float repetition_penalty, float presence_penalty, float frequency_penalty,
 *     int32 logprobs, uint32 seed_low, uint32 seed_high)
 *   then for each entry in order: its tokens, its block table, its history (int32 each).
 * The output buffer: int32 tokens[n_sampled], float logprobs[n_sampled],
 *   int32 top_tokens[n_sampled * max_logprobs], float top_logprobs[n_sampled * max_logprobs],
 *   then float logits[rows * vocab_size] when logits_mode asks for them.
 * sg_packed_output_bytes tells the output size a packed batch needs. */
#define SG_PACKED_MAGIC 0x31424753 /* "SGB1" */
#define SG_PACKED_HEADER_BYTES 16
#define SG_PACKED_ENTRY_BYTES 60

SG_API int sg_packed_output_bytes(const sg_engine *engine, const void *batch, size_t batch_bytes, size_t *out_bytes);

SG_API int sg_engine_step_packed(sg_engine *engine, const void *batch, size_t batch_bytes, void *out,
                                 size_t out_bytes);

#ifdef __cplusplus
}
#endif

#endif /* STREAMGATE_ENGINE_H */
