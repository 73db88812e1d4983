// The device side of the host SIMT emulator: force-included (g++ -include) into the CUDA backend's .cu files
// after rewrite_cu.cmake has turned their `kernel<<<...>>>(...)` launches into sg_emu::launcher calls and their
// `extern __shared__` arrays into sg_emu::dynamic_shared(). With it the unchanged kernel code compiles as C++ and
// runs on the CPU: every CUDA thread is a fiber, __syncthreads and the warp intrinsics are scheduling points, and
// the scheduler refuses what the GPU would not do reliably (divergent barriers, shuffles with exited lanes).
// What it cannot show: timing, the memory model between warps that race without a barrier (it runs threads in a
// shuffled order between barriers, which exposes many but not all such races), and anything about nvcc's code.
#pragma once

#define SG_EMULATOR 1  // device code with an emulator branch (device_utils.cuh, launch.cuh) takes it

// Before the CUDA headers, whose host_defines.h leaves an already defined execution-space keyword alone.
#define __host__
#define __device__
#define __global__
#define __shared__ static  // one OS thread runs a block's fibers, so function statics are block-shared
#define __launch_bounds__(...)

#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>

namespace sg_emu {

uint3 thread_idx();
uint3 block_idx();
dim3 block_dim();
dim3 grid_dim();
void sync_block();
int sync_block_or(int predicate);
void sync_warp();
// The 8-byte pattern of lane `source` of the calling thread's warp at this shuffle (all lanes take part).
uint64_t exchange(uint64_t mine, int source);
int lane_id();
unsigned char *dynamic_shared();
// griddepcontrol.wait: records that the calling thread waited (a programmatic launch requires it of every thread).
void grid_dependency_wait();
// An L2 prefetch: a hint on the device, but its address must still lie in a device allocation.
void prefetch(const void *p);

// Runs `work` on the stream now, or records it into the graph the stream is capturing.
void enqueue(cudaStream_t stream, std::function<void()> work);
// Whether [p, p + bytes) lies inside one device allocation.
bool is_device_range(const void *p, size_t bytes);

// Runs `body` as every thread of the grid (or records it into the graph the stream is capturing). Kernels run
// one after another, so a programmatic launch runs like any other; what it adds is the check that every thread
// reached grid_dependency_wait() before it exited.
void launch(const void *kernel, const char *name, dim3 grid, dim3 block, size_t shared_bytes, cudaStream_t stream,
            bool programmatic, std::function<void()> body);

template <class... P>
struct Launcher {
    void (*kernel)(P...);
    const char *name;
    dim3 grid, block;
    size_t shared_bytes;
    cudaStream_t stream;
    bool programmatic;

    // The arguments are converted to the kernel's parameter types once, as a launch copies them.
    template <class... A>
    void operator()(A &&...args) const {
        auto params = std::make_shared<std::tuple<std::decay_t<P>...>>(std::forward<A>(args)...);
        auto k = kernel;
        launch(reinterpret_cast<const void *>(kernel), name, grid, block, shared_bytes, stream, programmatic,
               [k, params] { std::apply(k, *params); });
    }
};

template <class... P>
Launcher<P...> launcher(void (*kernel)(P...), const char *name, dim3 grid, dim3 block, size_t shared_bytes = 0,
                        cudaStream_t stream = nullptr, bool programmatic = false) {
    return Launcher<P...>{kernel, name, grid, block, shared_bytes, stream, programmatic};
}

template <class T>
uint64_t bits_of(T v) {
    static_assert(sizeof(T) <= 8 && std::is_trivially_copyable_v<T>, "shuffles move at most 8 bytes");
    uint64_t b = 0;
    std::memcpy(&b, &v, sizeof(T));
    return b;
}

template <class T>
T from_bits(uint64_t b) {
    T v;
    std::memcpy(&v, &b, sizeof(T));
    return v;
}

}  // namespace sg_emu

// nvcc's template overload, which cuda_runtime.h offers to CUDA compilations only.
template <class T>
cudaError_t cudaFuncSetAttribute(T *entry, cudaFuncAttribute attribute, int value) {
    return ::cudaFuncSetAttribute(reinterpret_cast<const void *>(entry), attribute, value);
}

#define threadIdx (::sg_emu::thread_idx())
#define blockIdx (::sg_emu::block_idx())
#define blockDim (::sg_emu::block_dim())
#define gridDim (::sg_emu::grid_dim())

inline void __syncthreads() { ::sg_emu::sync_block(); }
inline int __syncthreads_or(int predicate) { return ::sg_emu::sync_block_or(predicate); }
inline void __syncwarp(unsigned = 0xffffffffu) { ::sg_emu::sync_warp(); }

template <class T>
T __shfl_xor_sync(unsigned, T v, int lane_mask, int = 32) {
    return ::sg_emu::from_bits<T>(::sg_emu::exchange(::sg_emu::bits_of(v), ::sg_emu::lane_id() ^ lane_mask));
}

// Lanes below `delta` keep their own value, as on the device.
template <class T>
T __shfl_up_sync(unsigned, T v, unsigned delta, int = 32) {
    const int lane = ::sg_emu::lane_id();
    const int source = lane >= static_cast<int>(delta) ? lane - static_cast<int>(delta) : lane;
    return ::sg_emu::from_bits<T>(::sg_emu::exchange(::sg_emu::bits_of(v), source));
}

template <class T>
T __ldg(const T *p) {
    return *p;
}

template <class T>
T __ldcg(const T *p) {
    return *p;
}

// Blocks run one at a time on one OS thread here, so every write is already visible to every later reader.
inline void __threadfence() {}

inline float __uint_as_float(unsigned u) { return ::sg_emu::from_bits<float>(u); }
inline unsigned __float_as_uint(float f) { return static_cast<unsigned>(::sg_emu::bits_of(f)); }
inline float __int_as_float(int i) { return ::sg_emu::from_bits<float>(static_cast<uint32_t>(i)); }
inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
// The host's float operations round to nearest even already (no contraction: x86-64-v2 has no FMA).
inline float __fdiv_rn(float a, float b) { return a / b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }

// Fibers of one block share an OS thread, and blocks run one at a time; the builtins keep them atomic anyway.
inline int atomicAdd(int *p, int v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }
inline int atomicExch(int *p, int v) { return __atomic_exchange_n(p, v, __ATOMIC_RELAXED); }
inline int atomicMin(int *p, int v) {
    int old = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (v < old && !__atomic_compare_exchange_n(p, &old, v, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
    return old;
}
inline double atomicAdd(double *p, double v) {
    uint64_t *word = reinterpret_cast<uint64_t *>(p);
    uint64_t old = __atomic_load_n(word, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(word, &old, ::sg_emu::bits_of(::sg_emu::from_bits<double>(old) + v), false,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
    return ::sg_emu::from_bits<double>(old);
}
