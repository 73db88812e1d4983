// The host side of the SIMT emulator: the part of the CUDA runtime API the backend and its checks call, over
// host memory, plus the block scheduler that runs kernels (see sg_emu.h).
//
// Execution: streams are synchronous (every call completes before it returns), so stream order holds trivially.
// A kernel runs block by block; each block's threads are fibers on one OS thread, resumed in a shuffled order
// (seeded by SG_EMU_SEED) until each reaches a barrier, a warp exchange or its end. A barrier opens when every
// live thread of the block (or warp) waits at it; a state where that can never happen (threads of one warp at
// different barriers, a warp exchange missing lanes that have exited) is what the GPU would hang on or leave
// undefined, and the emulator stops the process with the kernel, block and thread named.
//
// Checks the GPU would only make later or never: memcpy/memset ranges must lie inside one allocation of the
// side the copy kind names; device memory is filled with 0xff (NaN as float, -1 as int) when allocated and a
// block's dynamic shared memory before it runs, so a read of something never written shows; dynamic shared
// memory above 48 KiB needs cudaFuncSetAttribute first; graph capture records kernels, memcpys and memsets
// with the arguments of the moment, and refuses synchronising calls while a capture is open.
#include "sg_emu.h"  // first: it defines the execution-space keywords before the CUDA headers do

#include <cuda_profiler_api.h>
#include <cuda_runtime.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>


// Opaque handle types of the runtime API, given a body here.
struct CUstream_st {
    bool capturing = false;
    bool capture_invalidated = false;
    std::vector<std::function<void()>> captured;
};
struct CUgraph_st {
    std::vector<std::function<void()>> nodes;
};
struct CUgraphExec_st {
    std::vector<std::function<void()>> nodes;
};
struct CUevent_st {
    std::chrono::steady_clock::time_point at;
};

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define SG_EMU_ASAN 1
#else
#define SG_EMU_ASAN 0
#endif

namespace sg_emu {
namespace {

// ---- fibers ---------------------------------------------------------------------------------------------------

// Saves the callee-saved registers on the current stack, stores its pointer in *save, continues on `next`.
extern "C" void sg_emu_switch(void **save, void *next);
asm(R"(
    .text
    .globl sg_emu_switch
    .type sg_emu_switch, @function
sg_emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size sg_emu_switch, .-sg_emu_switch
    .section .note.GNU-stack,"",@progbits
    .text
)");

constexpr size_t kStackBytes = 128 * 1024;
constexpr int kFaultExitCode = 86;  // a kernel did what the GPU would hang on or leave undefined
constexpr int kMaxThreads = 1024;

enum class State { kRunnable, kAtBarrier, kAtWarp, kDone };

struct Fiber {
    void *sp = nullptr;
    void *fake_stack = nullptr;  // AddressSanitizer's bookkeeping for this fiber's stack
    State state = State::kRunnable;
    uint3 idx{};
    int linear = 0;
    unsigned exchanges = 0;  // warp exchanges so far: their parity picks the slot buffer
    bool waited = false;     // reached grid_dependency_wait()
};

struct Block {
    const char *kernel = "";
    bool programmatic = false;
    const std::function<void()> *body = nullptr;
    uint3 block_idx{};
    dim3 block_dim, grid_dim;
    int threads = 0;
    std::vector<Fiber> fibers;
    Fiber *current = nullptr;
    void *scheduler_sp = nullptr;
    void *scheduler_fake_stack = nullptr;
    const void *scheduler_stack_bottom = nullptr;  // told by AddressSanitizer when a fiber first runs
    size_t scheduler_stack_size = 0;
    std::vector<uint64_t> slots[2];  // warp exchange values, [warp * 32 + lane]
    int or_pending = 0, or_result = 0;
    unsigned char *shared = nullptr;  // this launch's dynamic shared memory, exactly as large as asked
};

// One stack region per OS thread, with a guard page under each stack so an overflow faults.
struct Stacks {
    unsigned char *base = nullptr;
    size_t page = 0, slot = 0;
    Stacks() {
        page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
        slot = kStackBytes + page;
        void *p = mmap(nullptr, slot * kMaxThreads, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) {
            std::perror("sg_emu: mmap of fiber stacks");
            std::abort();
        }
        base = static_cast<unsigned char *>(p);
        for (int i = 0; i < kMaxThreads; ++i) mprotect(base + i * slot, page, PROT_NONE);
    }
    ~Stacks() { munmap(base, slot * kMaxThreads); }
    unsigned char *top(int i) const { return base + (i + 1) * slot; }
};

thread_local Block *tl_block = nullptr;
thread_local std::unique_ptr<Stacks> tl_stacks;

[[maybe_unused]] const void *tl_stacks_bottom(int i) { return tl_stacks->top(i) - kStackBytes; }

[[noreturn]] void fault(const Block &b, const Fiber *f, const std::string &what) {
    std::fprintf(stderr, "sg_emu: kernel %s, block (%u,%u,%u)", b.kernel, b.block_idx.x, b.block_idx.y, b.block_idx.z);
    if (f != nullptr) std::fprintf(stderr, ", thread %d", f->linear);
    std::fprintf(stderr, ": %s\n", what.c_str());
    std::fflush(stderr);
    std::_Exit(kFaultExitCode);  // not abort(): the fiber stacks cannot be unwound, and CTest reads a signal as a crash
}

// Stack switches, announced to AddressSanitizer when it is in the build so that it keeps track of which stack
// is live (without it, it reports the fibers' frames as overflows).
void to_fiber(Block &b, Fiber &f, int index) {
#if SG_EMU_ASAN
    __sanitizer_start_switch_fiber(&b.scheduler_fake_stack, tl_stacks_bottom(index), kStackBytes);
#endif
    sg_emu_switch(&b.scheduler_sp, f.sp);
#if SG_EMU_ASAN
    __sanitizer_finish_switch_fiber(b.scheduler_fake_stack, nullptr, nullptr);
#endif
}

void to_scheduler(Block &b, Fiber *f) {
#if SG_EMU_ASAN
    __sanitizer_start_switch_fiber(f != nullptr ? &f->fake_stack : nullptr, b.scheduler_stack_bottom, b.scheduler_stack_size);
#endif
    void *dead = nullptr;
    sg_emu_switch(f != nullptr ? &f->sp : &dead, b.scheduler_sp);
#if SG_EMU_ASAN
    __sanitizer_finish_switch_fiber(f->fake_stack, nullptr, nullptr);
#endif
}

[[noreturn]] void fiber_main() {
    Block *b = tl_block;
#if SG_EMU_ASAN
    __sanitizer_finish_switch_fiber(nullptr, &b->scheduler_stack_bottom, &b->scheduler_stack_size);
#endif
    (*b->body)();
    // A thread that exits without waiting could let its grid finish before the kernel it depends on, and the
    // kernel after it, which waits only for this one, would then read unfinished results.
    if (b->programmatic && !b->current->waited)
        fault(*b, b->current, "a programmatically launched kernel's thread exited without waiting for the previous "
                              "kernel (pdl_enter)");
    b->current->state = State::kDone;
    to_scheduler(*b, nullptr);
    std::abort();  // a finished fiber is never resumed
}

void *initial_stack(unsigned char *top) {
    auto *sp = reinterpret_cast<void **>(top);
    *--sp = nullptr;                                        // fiber_main's return address slot: never used
    *--sp = reinterpret_cast<void *>(&fiber_main);          // where sg_emu_switch's ret goes
    for (int i = 0; i < 6; ++i) *--sp = nullptr;           // rbp rbx r12 r13 r14 r15
    return sp;
}

// Back to the scheduler until this fiber's wait is over.
void wait(State state) {
    Block *b = tl_block;
    Fiber *f = b->current;
    f->state = state;
    to_scheduler(*b, f);
}

uint64_t seed() {
    static const uint64_t value = [] {
        const char *s = std::getenv("SG_EMU_SEED");
        return s != nullptr ? std::strtoull(s, nullptr, 10) : 1ull;
    }();
    return value;
}

void run_block(Block &b, std::mt19937_64 &rng) {
    if (!tl_stacks) tl_stacks = std::make_unique<Stacks>();
    b.fibers.assign(b.threads, Fiber{});
    for (int t = 0; t < b.threads; ++t) {
        Fiber &f = b.fibers[t];
        f.linear = t;
        f.idx = uint3{t % b.block_dim.x, (t / b.block_dim.x) % b.block_dim.y, t / (b.block_dim.x * b.block_dim.y)};
        f.sp = initial_stack(tl_stacks->top(t));
    }
    const int warps = (b.threads + 31) / 32;
    b.slots[0].assign(static_cast<size_t>(warps) * 32, 0);
    b.slots[1].assign(static_cast<size_t>(warps) * 32, 0);
    b.or_pending = b.or_result = 0;
    std::vector<int> order(b.threads);
    for (int t = 0; t < b.threads; ++t) order[t] = t;
    for (;;) {
        std::shuffle(order.begin(), order.end(), rng);
        for (int t : order) {
            Fiber &f = b.fibers[t];
            if (f.state != State::kRunnable) continue;
            b.current = &f;
            to_fiber(b, f, t);
        }
        int done = 0, at_barrier = 0, at_warp = 0;
        for (const Fiber &f : b.fibers) {
            done += f.state == State::kDone;
            at_barrier += f.state == State::kAtBarrier;
            at_warp += f.state == State::kAtWarp;
        }
        if (done == b.threads) return;
        if (at_warp > 0) {
            bool released = false;
            for (int w = 0; w < warps; ++w) {
                const int first = w * 32, last = std::min(b.threads, first + 32);
                int waiting = 0, exited = 0;
                for (int t = first; t < last; ++t) {
                    waiting += b.fibers[t].state == State::kAtWarp;
                    exited += b.fibers[t].state == State::kDone;
                }
                if (waiting == 0) continue;
                if (exited > 0)
                    fault(b, nullptr, "warp " + std::to_string(w) + ": a full-mask warp exchange or __syncwarp with " +
                                          std::to_string(exited) + " lane(s) already exited");
                if (waiting != last - first) continue;  // the others are at a block barrier: checked below
                for (int t = first; t < last; ++t) b.fibers[t].state = State::kRunnable;
                released = true;
            }
            if (released) continue;
            fault(b, nullptr, "deadlock: some threads of a warp wait at a warp exchange, others at __syncthreads");
        }
        // Everyone alive waits at a block barrier.
        b.or_result = b.or_pending;
        b.or_pending = 0;
        for (Fiber &f : b.fibers)
            if (f.state == State::kAtBarrier) f.state = State::kRunnable;
    }
}

// ---- device state -------------------------------------------------------------------------------------------

enum class Side { kDevice, kHost };

struct Allocation {
    size_t bytes;
    Side side;
};

struct Device {
    std::mutex mutex;
    std::map<uintptr_t, Allocation> allocations;  // by start address
    size_t device_bytes = 0;
    size_t total_bytes = 0;
    std::map<const void *, int> max_dynamic_shared;
    thread_local static cudaError_t last_error;
    CUstream_st legacy_stream;

    Device() {
        const char *s = std::getenv("SG_EMU_DEVICE_MEMORY_MB");
        total_bytes = (s != nullptr ? std::strtoull(s, nullptr, 10) : 2048ull) << 20;
    }

    // The allocation that holds [p, p + bytes), if any.
    const Allocation *find(const void *p, size_t bytes, uintptr_t *start) {
        const uintptr_t a = reinterpret_cast<uintptr_t>(p);
        auto it = allocations.upper_bound(a);
        if (it == allocations.begin()) return nullptr;
        --it;
        if (a + bytes > it->first + it->second.bytes) return nullptr;
        if (start != nullptr) *start = it->first;
        return &it->second;
    }
};
thread_local cudaError_t Device::last_error = cudaSuccess;

Device &device() {
    static Device d;
    return d;
}

CUstream_st *stream_of(cudaStream_t s) { return s != nullptr ? s : &device().legacy_stream; }

cudaError_t record_error(cudaError_t e) {
    if (e != cudaSuccess) Device::last_error = e;
    return e;
}

// Where the work goes: run now, or into the capture of `s`.
void submit(cudaStream_t s, std::function<void()> work) {
    CUstream_st *stream = stream_of(s);
    if (stream->capturing) {
        stream->captured.push_back(std::move(work));
    } else {
        work();
    }
}

// The stream this thread is capturing (cudaStreamCaptureModeThreadLocal): while it is open, calls that would
// synchronise or allocate are refused and invalidate the capture, as the runtime does.
thread_local CUstream_st *tl_capturing = nullptr;

cudaError_t check_range(const void *p, size_t bytes, Side side) {
    if (bytes == 0) return cudaSuccess;
    std::lock_guard<std::mutex> lock(device().mutex);
    const Allocation *a = device().find(p, bytes, nullptr);
    if (side == Side::kDevice) return a != nullptr && a->side == Side::kDevice ? cudaSuccess : cudaErrorInvalidValue;
    return a == nullptr || a->side == Side::kHost ? cudaSuccess : cudaErrorInvalidValue;  // pageable host memory is fine
}

cudaError_t copy(void *dst, const void *src, size_t bytes, cudaMemcpyKind kind, cudaStream_t stream) {
    Side to = Side::kDevice, from = Side::kDevice;
    switch (kind) {
        case cudaMemcpyHostToDevice: from = Side::kHost; break;
        case cudaMemcpyDeviceToHost: to = Side::kHost; break;
        case cudaMemcpyDeviceToDevice: break;
        case cudaMemcpyHostToHost: to = from = Side::kHost; break;
        default: return record_error(cudaErrorInvalidMemcpyDirection);
    }
    if (check_range(dst, bytes, to) != cudaSuccess || check_range(src, bytes, from) != cudaSuccess) {
        std::fprintf(stderr, "sg_emu: cudaMemcpy of %zu bytes %p -> %p (kind %d) outside its allocations\n", bytes, src, dst,
                     static_cast<int>(kind));
        return record_error(cudaErrorInvalidValue);
    }
    submit(stream, [dst, src, bytes] { std::memcpy(dst, src, bytes); });
    return cudaSuccess;
}

cudaError_t refuse_while_capturing() {
    if (tl_capturing == nullptr) return cudaSuccess;
    tl_capturing->capture_invalidated = true;
    std::fprintf(stderr, "sg_emu: a synchronising or allocating call while a graph capture is open\n");
    return record_error(cudaErrorStreamCaptureUnsupported);
}

}  // namespace

void enqueue(cudaStream_t stream, std::function<void()> work) { submit(stream, std::move(work)); }

bool is_device_range(const void *p, size_t bytes) { return check_range(p, bytes, Side::kDevice) == cudaSuccess; }

uint3 thread_idx() { return tl_block->current->idx; }
uint3 block_idx() { return tl_block->block_idx; }
dim3 block_dim() { return tl_block->block_dim; }
dim3 grid_dim() { return tl_block->grid_dim; }
int lane_id() { return tl_block->current->linear & 31; }
unsigned char *dynamic_shared() { return tl_block->shared; }

void sync_block() { wait(State::kAtBarrier); }

void grid_dependency_wait() { tl_block->current->waited = true; }

void prefetch(const void *p) {
    if (!is_device_range(p, 1)) fault(*tl_block, tl_block->current, "L2 prefetch of an address outside device memory");
}

int sync_block_or(int predicate) {
    tl_block->or_pending |= predicate != 0;
    wait(State::kAtBarrier);
    return tl_block->or_result;
}

void sync_warp() { exchange(0, lane_id()); }

uint64_t exchange(uint64_t mine, int source) {
    Block *b = tl_block;
    Fiber *f = b->current;
    const int warp_base = f->linear & ~31;
    if (source < 0 || source > 31 || warp_base + source >= b->threads)
        fault(*b, f, "warp exchange reads lane " + std::to_string(source) + ", which this warp does not have");
    std::vector<uint64_t> &slots = b->slots[f->exchanges++ & 1];
    slots[f->linear] = mine;
    wait(State::kAtWarp);
    return slots[warp_base + source];
}

void launch(const void *kernel, const char *name, dim3 grid, dim3 block, size_t shared_bytes, cudaStream_t stream,
            bool programmatic, std::function<void()> body) {
    const unsigned long long threads = static_cast<unsigned long long>(block.x) * block.y * block.z;
    int shared_limit = 48 * 1024;
    {
        std::lock_guard<std::mutex> lock(device().mutex);
        auto it = device().max_dynamic_shared.find(kernel);
        if (it != device().max_dynamic_shared.end()) shared_limit = it->second;
    }
    if (threads == 0 || threads > kMaxThreads || grid.x == 0 || grid.y == 0 || grid.z == 0 || grid.y > 65535 ||
        grid.z > 65535 || block.z > 64) {
        std::fprintf(stderr, "sg_emu: launch of %s with grid (%u,%u,%u) block (%u,%u,%u): invalid configuration\n", name,
                     grid.x, grid.y, grid.z, block.x, block.y, block.z);
        record_error(cudaErrorInvalidConfiguration);
        return;
    }
    if (shared_bytes > static_cast<size_t>(shared_limit)) {
        std::fprintf(stderr, "sg_emu: launch of %s asks %zu bytes of dynamic shared memory, its limit is %d\n", name,
                     shared_bytes, shared_limit);
        record_error(cudaErrorInvalidValue);
        return;
    }
    auto run = [name, grid, block, shared_bytes, threads, programmatic, body = std::move(body)] {
        static std::atomic<uint64_t> launches{0};
        std::mt19937_64 rng(seed() * 0x9e3779b97f4a7c15ull + launches++);
        Block b;
        b.kernel = name;
        b.programmatic = programmatic;
        b.body = &body;
        b.block_dim = block;
        b.grid_dim = grid;
        b.threads = static_cast<int>(threads);
        // Its own allocation of the size asked for, so that AddressSanitizer (when built in) sees an overrun.
        const std::unique_ptr<unsigned char[]> shared(new unsigned char[std::max<size_t>(shared_bytes, 1)]);
        b.shared = shared.get();
        Block *outer = tl_block;
        tl_block = &b;
        // Blocks in a shuffled order: CUDA promises none, and kernels whose blocks meet through memory (attention's
        // split tickets) must not depend on one.
        std::vector<uint3> blocks;
        blocks.reserve(static_cast<size_t>(grid.x) * grid.y * grid.z);
        for (unsigned z = 0; z < grid.z; ++z)
            for (unsigned y = 0; y < grid.y; ++y)
                for (unsigned x = 0; x < grid.x; ++x) blocks.push_back(uint3{x, y, z});
        std::shuffle(blocks.begin(), blocks.end(), rng);
        for (const uint3 &index : blocks) {
            b.block_idx = index;
            std::memset(b.shared, 0xff, shared_bytes);
            run_block(b, rng);
        }
        tl_block = outer;
    };
    submit(stream, std::move(run));
}

}  // namespace sg_emu

using sg_emu::device;

// ---- the runtime API --------------------------------------------------------------------------------------------

extern "C" {

cudaError_t cudaGetDeviceCount(int *count) {
    *count = 1;
    return cudaSuccess;
}

cudaError_t cudaSetDevice(int d) { return d == 0 ? cudaSuccess : sg_emu::record_error(cudaErrorInvalidDevice); }

cudaError_t cudaGetDevice(int *d) {
    *d = 0;
    return cudaSuccess;
}

cudaError_t cudaGetDeviceProperties(cudaDeviceProp *p, int d) {
    if (d != 0) return sg_emu::record_error(cudaErrorInvalidDevice);
    std::memset(p, 0, sizeof *p);
    std::snprintf(p->name, sizeof p->name, "StreamGate host SIMT emulator");
    p->major = 9;
    p->minor = 0;
    p->totalGlobalMem = device().total_bytes;
    p->sharedMemPerBlock = 48 * 1024;
    p->sharedMemPerBlockOptin = 227 * 1024;
    p->warpSize = 32;
    p->maxThreadsPerBlock = 1024;
    p->multiProcessorCount = 132;
    p->maxGridSize[0] = 0x7fffffff;
    p->maxGridSize[1] = p->maxGridSize[2] = 65535;
    return cudaSuccess;
}

cudaError_t cudaDeviceGetAttribute(int *value, cudaDeviceAttr attr, int d) {
    if (d != 0) return sg_emu::record_error(cudaErrorInvalidDevice);
    switch (attr) {
        case cudaDevAttrMaxSharedMemoryPerBlockOptin: *value = 227 * 1024; return cudaSuccess;
        case cudaDevAttrMultiProcessorCount: *value = 132; return cudaSuccess;
        case cudaDevAttrComputeCapabilityMajor: *value = 9; return cudaSuccess;
        case cudaDevAttrComputeCapabilityMinor: *value = 0; return cudaSuccess;
        default: return sg_emu::record_error(cudaErrorInvalidValue);
    }
}

cudaError_t cudaFuncSetAttribute(const void *func, cudaFuncAttribute attr, int value) {
    if (attr != cudaFuncAttributeMaxDynamicSharedMemorySize) return sg_emu::record_error(cudaErrorInvalidValue);
    if (value < 0 || value > 227 * 1024) return sg_emu::record_error(cudaErrorInvalidValue);
    std::lock_guard<std::mutex> lock(device().mutex);
    device().max_dynamic_shared[func] = value;
    return cudaSuccess;
}

cudaError_t cudaGetLastError(void) {
    const cudaError_t e = sg_emu::Device::last_error;
    sg_emu::Device::last_error = cudaSuccess;
    return e;
}

cudaError_t cudaPeekAtLastError(void) { return sg_emu::Device::last_error; }

const char *cudaGetErrorName(cudaError_t e) {
    switch (e) {
        case cudaSuccess: return "cudaSuccess";
        case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
        case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
        case cudaErrorInvalidConfiguration: return "cudaErrorInvalidConfiguration";
        case cudaErrorInvalidDevice: return "cudaErrorInvalidDevice";
        case cudaErrorInvalidMemcpyDirection: return "cudaErrorInvalidMemcpyDirection";
        case cudaErrorStreamCaptureUnsupported: return "cudaErrorStreamCaptureUnsupported";
        case cudaErrorStreamCaptureInvalidated: return "cudaErrorStreamCaptureInvalidated";
        case cudaErrorIllegalState: return "cudaErrorIllegalState";
        default: return "cudaError(emulated)";
    }
}

const char *cudaGetErrorString(cudaError_t e) { return cudaGetErrorName(e); }

cudaError_t cudaMalloc(void **p, size_t bytes) {
    *p = nullptr;
    if (sg_emu::refuse_while_capturing() != cudaSuccess) return cudaErrorStreamCaptureUnsupported;
    std::lock_guard<std::mutex> lock(device().mutex);
    if (device().device_bytes + bytes > device().total_bytes) return sg_emu::record_error(cudaErrorMemoryAllocation);
    void *memory = nullptr;  // 256-byte aligned as cudaMalloc's, and no larger than asked, so overruns are real ones
    if (posix_memalign(&memory, 256, std::max<size_t>(bytes, 1)) != 0) return sg_emu::record_error(cudaErrorMemoryAllocation);
    std::memset(memory, 0xff, bytes);  // what was never written reads as NaN / -1
    device().allocations[reinterpret_cast<uintptr_t>(memory)] = {bytes, sg_emu::Side::kDevice};
    device().device_bytes += bytes;
    *p = memory;
    return cudaSuccess;
}

cudaError_t cudaMallocHost(void **p, size_t bytes) {
    void *memory = nullptr;
    if (posix_memalign(&memory, 256, std::max<size_t>(bytes, 1)) != 0) return sg_emu::record_error(cudaErrorMemoryAllocation);
    std::lock_guard<std::mutex> lock(device().mutex);
    device().allocations[reinterpret_cast<uintptr_t>(memory)] = {bytes, sg_emu::Side::kHost};
    *p = memory;
    return cudaSuccess;
}

static cudaError_t release(void *p, sg_emu::Side side) {
    if (p == nullptr) return cudaSuccess;
    std::lock_guard<std::mutex> lock(device().mutex);
    auto it = device().allocations.find(reinterpret_cast<uintptr_t>(p));
    if (it == device().allocations.end() || it->second.side != side) return sg_emu::record_error(cudaErrorInvalidValue);
    if (side == sg_emu::Side::kDevice) device().device_bytes -= it->second.bytes;
    device().allocations.erase(it);
    std::free(p);
    return cudaSuccess;
}

cudaError_t cudaFree(void *p) {
    if (sg_emu::refuse_while_capturing() != cudaSuccess) return cudaErrorStreamCaptureUnsupported;
    return release(p, sg_emu::Side::kDevice);
}
cudaError_t cudaFreeHost(void *p) { return release(p, sg_emu::Side::kHost); }

cudaError_t cudaMemGetInfo(size_t *free_bytes, size_t *total_bytes) {
    std::lock_guard<std::mutex> lock(device().mutex);
    *total_bytes = device().total_bytes;
    *free_bytes = device().total_bytes - device().device_bytes;
    return cudaSuccess;
}

cudaError_t cudaMemcpy(void *dst, const void *src, size_t bytes, cudaMemcpyKind kind) {
    if (sg_emu::refuse_while_capturing() != cudaSuccess) return cudaErrorStreamCaptureUnsupported;
    return sg_emu::copy(dst, src, bytes, kind, nullptr);
}

cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t bytes, cudaMemcpyKind kind, cudaStream_t stream) {
    return sg_emu::copy(dst, src, bytes, kind, stream);
}

static cudaError_t fill(void *p, int value, size_t bytes, cudaStream_t stream) {
    if (sg_emu::check_range(p, bytes, sg_emu::Side::kDevice) != cudaSuccess) {
        std::fprintf(stderr, "sg_emu: cudaMemset of %zu bytes at %p outside a device allocation\n", bytes, p);
        return sg_emu::record_error(cudaErrorInvalidValue);
    }
    sg_emu::submit(stream, [p, value, bytes] { std::memset(p, value, bytes); });
    return cudaSuccess;
}

cudaError_t cudaMemset(void *p, int value, size_t bytes) {
    if (sg_emu::refuse_while_capturing() != cudaSuccess) return cudaErrorStreamCaptureUnsupported;
    return fill(p, value, bytes, nullptr);
}

cudaError_t cudaMemsetAsync(void *p, int value, size_t bytes, cudaStream_t stream) { return fill(p, value, bytes, stream); }

cudaError_t cudaStreamCreateWithFlags(cudaStream_t *stream, unsigned int) {
    *stream = new CUstream_st();
    return cudaSuccess;
}

cudaError_t cudaStreamCreate(cudaStream_t *stream) { return cudaStreamCreateWithFlags(stream, 0); }

cudaError_t cudaStreamDestroy(cudaStream_t stream) {
    delete stream;
    return cudaSuccess;
}

cudaError_t cudaStreamSynchronize(cudaStream_t) { return sg_emu::refuse_while_capturing(); }

cudaError_t cudaDeviceSynchronize(void) { return sg_emu::refuse_while_capturing(); }

cudaError_t cudaStreamBeginCapture(cudaStream_t s, cudaStreamCaptureMode) {
    CUstream_st *stream = sg_emu::stream_of(s);
    if (s == nullptr || stream->capturing) return sg_emu::record_error(cudaErrorIllegalState);
    if (sg_emu::tl_capturing != nullptr) return sg_emu::record_error(cudaErrorIllegalState);
    stream->capturing = true;
    stream->capture_invalidated = false;
    sg_emu::tl_capturing = stream;
    stream->captured.clear();
    return cudaSuccess;
}

cudaError_t cudaStreamEndCapture(cudaStream_t s, cudaGraph_t *graph) {
    CUstream_st *stream = sg_emu::stream_of(s);
    *graph = nullptr;
    if (!stream->capturing) return sg_emu::record_error(cudaErrorIllegalState);
    stream->capturing = false;
    if (sg_emu::tl_capturing == stream) sg_emu::tl_capturing = nullptr;
    // SG_EMU_FAIL_CAPTURE=1: every capture ends invalidated, as when a library call inside it broke the capture;
    // the backend's fallback to eager steps is tested this way.
    static const bool fail_every_capture = std::getenv("SG_EMU_FAIL_CAPTURE") != nullptr;
    if (stream->capture_invalidated || fail_every_capture) {
        stream->captured.clear();
        return sg_emu::record_error(cudaErrorStreamCaptureInvalidated);
    }
    *graph = new CUgraph_st{std::move(stream->captured)};
    stream->captured.clear();
    return cudaSuccess;
}

cudaError_t cudaGraphInstantiate(cudaGraphExec_t *exec, cudaGraph_t graph, unsigned long long) {
    *exec = new CUgraphExec_st{graph->nodes};
    return cudaSuccess;
}

cudaError_t cudaGraphLaunch(cudaGraphExec_t exec, cudaStream_t stream) {
    if (sg_emu::stream_of(stream)->capturing) return sg_emu::record_error(cudaErrorStreamCaptureUnsupported);
    for (const auto &node : exec->nodes) node();
    return cudaSuccess;
}

cudaError_t cudaGraphDestroy(cudaGraph_t graph) {
    delete graph;
    return cudaSuccess;
}

cudaError_t cudaGraphExecDestroy(cudaGraphExec_t exec) {
    delete exec;
    return cudaSuccess;
}

cudaError_t cudaEventCreate(cudaEvent_t *event) {
    *event = new CUevent_st();
    return cudaSuccess;
}

cudaError_t cudaEventDestroy(cudaEvent_t event) {
    delete event;
    return cudaSuccess;
}

cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream) {
    sg_emu::submit(stream, [event] { event->at = std::chrono::steady_clock::now(); });
    return cudaSuccess;
}

cudaError_t cudaEventSynchronize(cudaEvent_t) { return cudaSuccess; }

cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start, cudaEvent_t end) {
    *ms = std::chrono::duration<float, std::milli>(end->at - start->at).count();
    return cudaSuccess;
}

// No profiler attaches to the emulator: the brackets sg_gpu_bench --profile-steps sets are accepted and do nothing.
cudaError_t cudaProfilerStart(void) { return cudaSuccess; }

cudaError_t cudaProfilerStop(void) { return cudaSuccess; }

}  // extern "C"
