// The host-memory paged KV pool: fixed-size blocks that the scheduler hands out. Within a layer and
// block, the keys of one KV head form a contiguous [block_size][head_dim] tile (values likewise), so
// attention streams a sequence's history block by block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "model.h"

namespace sg {

class KvCache {
public:
    KvCache(const ModelDims &dims, int block_size, int num_blocks, int dtype);
    ~KvCache();
    KvCache(const KvCache &) = delete;
    KvCache &operator=(const KvCache &) = delete;

    int dtype() const { return dtype_; }
    int block_size() const { return block_size_; }
    int num_blocks() const { return num_blocks_; }
    size_t bytes() const { return bytes_; }

    // The [block_size][head_dim] tile of keys (values) of one KV head in one block of one layer.
    void *keys(int layer, int block, int kv_head) const { return tile(layer, block, 0, kv_head); }
    void *values(int layer, int block, int kv_head) const { return tile(layer, block, 1, kv_head); }

private:
    void *tile(int layer, int block, int which, int kv_head) const {
        const size_t index = ((static_cast<size_t>(layer) * num_blocks_ + block) * 2 + which) * kv_heads_ + kv_head;
        return static_cast<unsigned char *>(storage_) + index * tile_bytes_;
    }

    int kv_heads_, block_size_, num_blocks_, dtype_;
    size_t tile_bytes_, bytes_;
    void *storage_ = nullptr;
};

}  // namespace sg
