// How big a KV pool is: bytes per block, and blocks for a memory budget (a host size in MiB, or a share
// of what a device has free after its weights and work buffers). Plain arithmetic, shared by every
// backend and unit-tested on the host.
#pragma once

#include <cstdint>

#include "model.h"

namespace sg {

// Bytes one KV block takes across all layers: K and V, every KV head, `block_size` tokens.
uint64_t kv_bytes_per_block(const ModelDims &dims, int block_size, int element_bytes);

// Blocks that fit in `budget_bytes` (at most INT32_MAX - 1: one id stays free for a backend's padding block).
// Fails with SG_ERR_OUT_OF_MEMORY naming `what` when not even one block fits.
int32_t kv_blocks_for_budget(uint64_t budget_bytes, uint64_t bytes_per_block, const char *what);

// The device share of the pool: `fraction` of `free_bytes`, less `reserve_bytes` kept back for the
// allocator and the graphs (never below zero).
uint64_t device_kv_budget(uint64_t free_bytes, double fraction, uint64_t reserve_bytes);

}  // namespace sg
