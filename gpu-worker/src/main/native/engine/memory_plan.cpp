#include "memory_plan.h"

#include <cstdint>

#include "errors.h"

namespace sg {

uint64_t kv_bytes_per_block(const ModelDims &d, int block_size, int element_bytes) {
    return 2ull * static_cast<uint64_t>(d.layers) * static_cast<uint64_t>(d.kv_heads) *
           static_cast<uint64_t>(d.head_dim) * static_cast<uint64_t>(block_size) * static_cast<uint64_t>(element_bytes);
}

int32_t kv_blocks_for_budget(uint64_t budget_bytes, uint64_t bytes_per_block, const char *what) {
    if (bytes_per_block == 0) fail(SG_ERR_INTERNAL, "KV block of zero bytes");
    const uint64_t blocks = budget_bytes / bytes_per_block;
    if (blocks < 1)
        fail(SG_ERR_OUT_OF_MEMORY, "KV pool: %s (%.1f MiB) does not hold one block of %.2f MiB", what,
             static_cast<double>(budget_bytes) / (1 << 20), static_cast<double>(bytes_per_block) / (1 << 20));
    return blocks >= static_cast<uint64_t>(INT32_MAX) ? INT32_MAX - 1 : static_cast<int32_t>(blocks);
}

uint64_t device_kv_budget(uint64_t free_bytes, double fraction, uint64_t reserve_bytes) {
    const double share = static_cast<double>(free_bytes) * fraction;
    const uint64_t bytes = share >= 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(share);
    return bytes > reserve_bytes ? bytes - reserve_bytes : 0;
}

}  // namespace sg
