// The sampler's random draw, one definition for host and device code: a uniform double in [0, 1) that
// depends only on (seed, position of the sampled token), so a recomputed sequence replays its draws and
// every backend draws the same number.
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define SG_HOST_DEVICE __host__ __device__
#else
#define SG_HOST_DEVICE
#endif

namespace sg {

SG_HOST_DEVICE inline uint64_t splitmix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

SG_HOST_DEVICE inline double uniform_draw(uint64_t seed, int64_t position) {
    const uint64_t bits = splitmix64(splitmix64(seed) ^ static_cast<uint64_t>(position));
    return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

}  // namespace sg
