// The host SIMT emulator's own test: that it runs CUDA code the way the GPU does where the backend depends on
// it (barriers, warp exchanges, graph capture freezing arguments, launch limits, copy ranges), and that it stops
// on what the GPU would hang on or leave undefined. Written as CUDA, built only for the emulator.
//   emulator_self_test                 the behaviour checks; exit 0 when all pass
//   emulator_self_test --fault NAME    runs one faulty kernel, which must stop the process (CTest expects the
//                                      emulator's message): exited-lane, divergent-barrier, missing-pdl-wait,
//                                      stray-prefetch
#include <cuda_runtime.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "device_utils.cuh"  // the backend's PDL and prefetch helpers, as the kernels use them

namespace {

int failures = 0;

void check(bool ok, const char *what) {
    std::printf("  %s  %s\n", ok ? "ok  " : "FAIL", what);
    if (!ok) ++failures;
}

__global__ void reverse_block(int *data) {
    __shared__ int tile[256];
    const int t = threadIdx.x;
    tile[t] = data[blockIdx.x * blockDim.x + t];
    __syncthreads();
    data[blockIdx.x * blockDim.x + t] = tile[blockDim.x - 1 - t];
}

__global__ void warp_ops(int *sums, int *scans, int *any) {
    const int lane = threadIdx.x & 31;
    int v = lane;
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    sums[threadIdx.x] = v;
    int inclusive = 1;
    for (int o = 1; o < 32; o <<= 1) {
        const int up = __shfl_up_sync(0xffffffffu, inclusive, o);
        if (lane >= o) inclusive += up;
    }
    scans[threadIdx.x] = inclusive;
    any[threadIdx.x] = __syncthreads_or(threadIdx.x == 37);
}

__global__ void add_value(int *p, int v) { p[threadIdx.x] += v; }

__global__ void uses_dynamic_shared(int *out) {
    extern __shared__ __align__(16) unsigned char smem[];
    int *words = reinterpret_cast<int *>(smem);
    words[threadIdx.x] = static_cast<int>(threadIdx.x);
    __syncthreads();
    out[threadIdx.x] = words[(threadIdx.x + 1) % blockDim.x];
}

__global__ void exchange_after_exit(int *out) {
    if (threadIdx.x == 0) return;
    out[threadIdx.x] = __shfl_xor_sync(0xffffffffu, static_cast<int>(threadIdx.x), 1);
}

__global__ void divergent_barrier(int *out) {
    if (threadIdx.x < 16) {
        __syncthreads();
    } else {
        out[threadIdx.x] = __shfl_xor_sync(0xffffffffu, static_cast<int>(threadIdx.x), 1);
    }
}

__global__ void waits_then_adds(int *p, int v) {
    sg::cuda::prefetch_l2(p);
    sg::cuda::pdl_enter();
    p[threadIdx.x] += v;
}

// Only some threads wait: the others could let the grid finish before the kernel it depends on.
__global__ void partly_waits(int *p) {
    if (threadIdx.x >= 16) return;
    sg::cuda::pdl_enter();
    p[threadIdx.x] += 1;
}

__global__ void prefetches(const int *p) {
    sg::cuda::prefetch_l2(p);
    sg::cuda::pdl_enter();
}

std::vector<int> download(const int *d, size_t n) {
    std::vector<int> h(n);
    cudaMemcpy(h.data(), d, n * sizeof(int), cudaMemcpyDeviceToHost);
    return h;
}

int host_ints[64];

int fault(const std::string &name) {
    int *d = nullptr;
    cudaMalloc(&d, 64 * sizeof(int));
    if (name == "exited-lane") exchange_after_exit<<<1, 32>>>(d);
    else if (name == "divergent-barrier") divergent_barrier<<<1, 32>>>(d);
    else if (name == "missing-pdl-wait") ::sg_emu::launcher(partly_waits, "partly_waits", 1, 32, 0, nullptr, true)(d);
    else if (name == "stray-prefetch") ::sg_emu::launcher(prefetches, "prefetches", 1, 32)(host_ints);
    else return 2;
    cudaDeviceSynchronize();
    std::printf("the faulty kernel %s ran to its end\n", name.c_str());
    return 1;
}

}  // namespace

int main(int argc, char **argv) {
    if (argc == 3 && std::strcmp(argv[1], "--fault") == 0) return fault(argv[2]);

    int *data = nullptr;
    cudaMalloc(&data, 512 * sizeof(int));
    std::vector<int> host(512);
    for (int i = 0; i < 512; ++i) host[i] = i;
    cudaMemcpy(data, host.data(), 512 * sizeof(int), cudaMemcpyHostToDevice);
    reverse_block<<<2, 256>>>(data);
    std::vector<int> got = download(data, 512);
    bool reversed = true;
    for (int i = 0; i < 512; ++i) reversed &= got[i] == (i / 256) * 256 + 255 - i % 256;
    check(reversed, "__syncthreads orders shared-memory writes before reads (2 blocks of 256)");

    int *sums = nullptr, *scans = nullptr, *any = nullptr;
    cudaMalloc(&sums, 64 * sizeof(int));
    cudaMalloc(&scans, 64 * sizeof(int));
    cudaMalloc(&any, 64 * sizeof(int));
    warp_ops<<<1, 64>>>(sums, scans, any);
    const std::vector<int> s = download(sums, 64), c = download(scans, 64), a = download(any, 64);
    bool sums_ok = true, scans_ok = true, any_ok = true;
    for (int i = 0; i < 64; ++i) {
        sums_ok &= s[i] == 496;
        scans_ok &= c[i] == (i & 31) + 1;
        any_ok &= a[i] == 1;
    }
    check(sums_ok, "__shfl_xor_sync butterfly sums every lane");
    check(scans_ok, "__shfl_up_sync scan keeps lanes below delta");
    check(any_ok, "__syncthreads_or sees one thread's predicate in every thread");

    cudaStream_t stream = nullptr;
    cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking);
    int *counter = nullptr;
    cudaMalloc(&counter, 32 * sizeof(int));
    cudaMemset(counter, 0, 32 * sizeof(int));
    int value = 1;
    cudaGraph_t graph = nullptr;
    cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal);
    add_value<<<1, 32, 0, stream>>>(counter, value);
    value = 100;  // a captured launch keeps the arguments it was captured with
    cudaStreamEndCapture(stream, &graph);
    const bool nothing_ran = download(counter, 1)[0] == 0;
    cudaGraphExec_t exec = nullptr;
    cudaGraphInstantiate(&exec, graph, 0);
    cudaGraphLaunch(exec, stream);
    cudaGraphLaunch(exec, stream);
    cudaStreamSynchronize(stream);
    check(nothing_ran && download(counter, 1)[0] == 2, "a captured launch runs only on replay, with its captured arguments");

    cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal);
    const cudaError_t sync_copy = cudaMemcpy(host.data(), counter, 4, cudaMemcpyDeviceToHost);
    cudaGraph_t broken = nullptr;
    const cudaError_t ended = cudaStreamEndCapture(stream, &broken);
    cudaGetLastError();
    check(sync_copy != cudaSuccess && ended == cudaErrorStreamCaptureInvalidated && broken == nullptr,
          "a synchronous copy during capture is refused and invalidates the capture");

    check(cudaMemcpy(host.data(), counter, 33 * sizeof(int), cudaMemcpyDeviceToHost) == cudaErrorInvalidValue,
          "a copy running past the end of its allocation is refused");
    cudaGetLastError();
    check(cudaMemcpy(counter, host.data(), 4, cudaMemcpyDeviceToHost) == cudaErrorInvalidValue,
          "a copy whose kind names the wrong sides is refused");
    cudaGetLastError();

    int *out = nullptr;
    cudaMalloc(&out, 128 * sizeof(int));
    uses_dynamic_shared<<<1, 128, 64 * 1024>>>(out);
    check(cudaGetLastError() != cudaSuccess, "more than 48 KiB of dynamic shared memory needs the kernel's attribute");
    cudaFuncSetAttribute(uses_dynamic_shared, cudaFuncAttributeMaxDynamicSharedMemorySize, 64 * 1024);
    uses_dynamic_shared<<<1, 128, 64 * 1024>>>(out);
    const std::vector<int> rotated = download(out, 128);
    bool rotated_ok = cudaGetLastError() == cudaSuccess;
    for (int i = 0; i < 128; ++i) rotated_ok &= rotated[i] == (i + 1) % 128;
    check(rotated_ok, "with the attribute raised, the launch runs and dynamic shared memory is block-wide");

    cudaMemset(counter, 0, 32 * sizeof(int));
    ::sg_emu::launcher(waits_then_adds, "waits_then_adds", 1, 32, 0, stream, true)(counter, 5);
    partly_waits<<<1, 32, 0, stream>>>(counter);  // a plain launch needs no wait
    cudaStreamSynchronize(stream);
    const std::vector<int> added = download(counter, 32);
    check(cudaGetLastError() == cudaSuccess && added[0] == 6 && added[31] == 5,
          "a programmatic launch whose threads all wait runs; a plain one need not wait");

    reverse_block<<<1, 2048>>>(data);
    check(cudaGetLastError() == cudaErrorInvalidConfiguration, "a block of more than 1024 threads is refused");
    add_value<<<dim3(1, 70000), 1>>>(counter, 1);
    check(cudaGetLastError() == cudaErrorInvalidConfiguration, "gridDim.y above 65535 is refused");

    cudaGraphExecDestroy(exec);
    cudaGraphDestroy(graph);
    cudaStreamDestroy(stream);
    for (int *p : {data, sums, scans, any, counter, out}) cudaFree(p);
    std::printf("emulator_self_test: %s\n", failures == 0 ? "all passed" : "FAILED");
    return failures == 0 ? 0 : 1;
}
