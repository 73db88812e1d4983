#include "kv_cache.h"

#include <sys/mman.h>

#include "dtype.h"
#include "errors.h"

namespace sg {

KvCache::KvCache(const ModelDims &dims, int block_size, int num_blocks, int dtype)
    : kv_heads_(dims.kv_heads), block_size_(block_size), num_blocks_(num_blocks), dtype_(dtype) {
    if (dtype != SG_DTYPE_F32 && dtype != SG_DTYPE_BF16)
        fail(SG_ERR_UNSUPPORTED, "engine params: kv_dtype must be F32 or BF16, got %s", dtype_name(dtype));
    tile_bytes_ = static_cast<size_t>(block_size) * dims.head_dim * dtype_size(dtype);
    const size_t tiles = static_cast<size_t>(dims.layers) * num_blocks * 2 * dims.kv_heads;
    if (tile_bytes_ != 0 && tiles > SIZE_MAX / tile_bytes_) fail(SG_ERR_OUT_OF_MEMORY, "KV pool size overflows");
    bytes_ = tiles * tile_bytes_;
    // An anonymous mapping: pages the pool never touches cost nothing, and the OS zeroes the rest.
    storage_ = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (storage_ == MAP_FAILED) {
        storage_ = nullptr;
        fail(SG_ERR_OUT_OF_MEMORY, "cannot allocate the KV pool: %d blocks of %d tokens need %zu bytes", num_blocks,
             block_size, bytes_);
    }
}

KvCache::~KvCache() {
    if (storage_ != nullptr) ::munmap(storage_, bytes_);
}

}  // namespace sg
