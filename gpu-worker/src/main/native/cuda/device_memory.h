// Owning handles for device and pinned host memory; they free in their destructors and never throw there.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <utility>

#include "cuda_check.h"

namespace sg::cuda {

template <class T>
class DeviceArray {
public:
    DeviceArray() = default;
    explicit DeviceArray(size_t count) { resize(count); }
    ~DeviceArray() { release(); }
    DeviceArray(const DeviceArray &) = delete;
    DeviceArray &operator=(const DeviceArray &) = delete;
    DeviceArray(DeviceArray &&o) noexcept : data_(std::exchange(o.data_, nullptr)), count_(std::exchange(o.count_, 0)) {}

    // Reallocates (contents are lost) when `count` differs.
    void resize(size_t count) {
        if (count == count_ && data_ != nullptr) return;
        release();
        if (count == 0) return;
        void *p = nullptr;
        SG_CUDA_CHECK(cudaMalloc(&p, count * sizeof(T)));
        data_ = static_cast<T *>(p);
        count_ = count;
    }
    T *get() const { return data_; }
    size_t size() const { return count_; }
    size_t bytes() const { return count_ * sizeof(T); }

private:
    void release() {
        if (data_ != nullptr) cudaFree(data_);
        data_ = nullptr;
        count_ = 0;
    }
    T *data_ = nullptr;
    size_t count_ = 0;
};

template <class T>
class PinnedArray {
public:
    PinnedArray() = default;
    ~PinnedArray() { release(); }
    PinnedArray(const PinnedArray &) = delete;
    PinnedArray &operator=(const PinnedArray &) = delete;

    // Grows (contents are lost) when `count` is larger than what is held.
    void reserve(size_t count) {
        if (count <= count_ && data_ != nullptr) return;
        release();
        void *p = nullptr;
        SG_CUDA_CHECK(cudaMallocHost(&p, (count > 0 ? count : 1) * sizeof(T)));
        data_ = static_cast<T *>(p);
        count_ = count;
    }
    T *get() const { return data_; }

private:
    void release() {
        if (data_ != nullptr) cudaFreeHost(data_);
        data_ = nullptr;
        count_ = 0;
    }
    T *data_ = nullptr;
    size_t count_ = 0;
};

}  // namespace sg::cuda
