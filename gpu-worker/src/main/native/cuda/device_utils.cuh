// Small device helpers shared by the kernels: bf16 conversion, warp and block reductions.
#pragma once

#include <cuda_bf16.h>

#include <cstdint>

namespace sg::cuda {

__device__ __forceinline__ float bf16_bits_to_float(uint16_t bits) { return __uint_as_float(static_cast<uint32_t>(bits) << 16); }

// Round to nearest even, as the host's f32_to_bf16 (and torch) do.
__device__ __forceinline__ uint16_t float_to_bf16_bits(float f) {
    return __bfloat16_as_ushort(__float2bfloat16_rn(f));
}

// The two bf16 halves of a 32-bit word, low half first (the element at the lower address).
__device__ __forceinline__ float2 bf16x2_to_float2(uint32_t word) {
    return make_float2(__uint_as_float(word << 16), __uint_as_float(word & 0xffff0000u));
}

// Programmatic dependent launch (launch.cuh). A kernel launched programmatically may start while the kernel
// before it on the stream is still running. pdl_enter() waits until that kernel has finished and its writes are
// visible (griddepcontrol.wait), then lets the next kernel on the stream start launching. Every kernel calls it
// in every thread before it touches memory another kernel reads or writes; only constant inputs (the weights)
// may be read before it. Because every kernel waits, a kernel that has finished implies that all before it
// have, which keeps the whole chain ordered. Without a programmatic launch both instructions do nothing.
__device__ __forceinline__ void pdl_enter() {
#if defined(SG_EMULATOR)
    ::sg_emu::grid_dependency_wait();
#elif defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
    asm volatile("griddepcontrol.launch_dependents;" ::: "memory");
#endif
}

// Asks for the 128-byte line at p to be brought into L2; a hint that never faults on the device (the emulator
// still insists that p lies in a device allocation).
__device__ __forceinline__ void prefetch_l2(const void *p) {
#if defined(SG_EMULATOR)
    ::sg_emu::prefetch(p);
#elif defined(__CUDA_ARCH__)
    asm volatile("prefetch.global.L2 [%0];" ::"l"(p));
#endif
}

// SwiGLU's product, in one place so that the fused gemv epilogue and the swiglu kernel agree bit for bit.
__device__ __forceinline__ float silu_times(float gate, float up) { return gate / (1.0f + expf(-gate)) * up; }

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, offset));
    return v;
}

// Sum over the block; every thread gets the result. `scratch` holds 32 floats; blockDim.x is a multiple of 32.
__device__ __forceinline__ float block_sum(float v, float *scratch) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = warp_sum(v);
    __syncthreads();  // scratch may still be read by a previous call
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    v = lane < warps ? scratch[lane] : 0.0f;
    return warp_sum(v);
}

}  // namespace sg::cuda
