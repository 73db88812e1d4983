// Scalar conversions between the storage dtypes and float32 (SIMD versions live in the CPU kernels).
#pragma once

#include <cstdint>
#include <cstring>

#include "streamgate_engine.h"

namespace sg {

inline size_t dtype_size(int dtype) { return dtype == SG_DTYPE_F32 ? 4 : 2; }

inline const char *dtype_name(int dtype) {
    switch (dtype) {
        case SG_DTYPE_F32: return "F32";
        case SG_DTYPE_F16: return "F16";
        case SG_DTYPE_BF16: return "BF16";
        default: return "unknown";
    }
}

inline float bf16_to_f32(uint16_t h) {
    uint32_t bits = static_cast<uint32_t>(h) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

// Round to nearest even, as torch does; NaN stays NaN.
inline uint16_t f32_to_bf16(float f) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((bits >> 16) | 0x40);
    bits += 0x7fffu + ((bits >> 16) & 1u);
    return static_cast<uint16_t>(bits >> 16);
}

inline float f16_to_f32(uint16_t h) {
    uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    uint32_t exponent = (h >> 10) & 0x1fu;
    uint32_t mantissa = h & 0x3ffu;
    uint32_t bits;
    if (exponent == 0) {
        if (mantissa == 0) {
            bits = sign;
        } else {  // subnormal: normalise
            int shift = 0;
            while ((mantissa & 0x400u) == 0) {
                mantissa <<= 1;
                ++shift;
            }
            mantissa &= 0x3ffu;
            bits = sign | static_cast<uint32_t>(127 - 15 + 1 - shift) << 23 | mantissa << 13;
        }
    } else if (exponent == 31) {
        bits = sign | 0x7f800000u | mantissa << 13;
    } else {
        bits = sign | (exponent + 127 - 15) << 23 | mantissa << 13;
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

inline float load_as_f32(const void *base, int dtype, size_t index) {
    switch (dtype) {
        case SG_DTYPE_F32: return static_cast<const float *>(base)[index];
        case SG_DTYPE_BF16: return bf16_to_f32(static_cast<const uint16_t *>(base)[index]);
        default: return f16_to_f32(static_cast<const uint16_t *>(base)[index]);
    }
}

}  // namespace sg
