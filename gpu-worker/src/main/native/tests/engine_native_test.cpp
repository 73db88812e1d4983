// Native checks run by CTest (and so by `mvn test`): each SIMD kernel against the scalar reference on
// fresh random inputs, the dtype conversions, and the C API's errors on a model built in memory.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "../cpu/kernels.h"
#include "../engine/dtype.h"
#include "streamgate_engine.h"

namespace {

int passed = 0, failed = 0;

void check(bool ok, const std::string &what) {
    if (ok) {
        ++passed;
    } else {
        ++failed;
        std::printf("FAILED: %s\n", what.c_str());
    }
}

std::vector<float> random_floats(std::mt19937 &rng, size_t n) {
    std::normal_distribution<float> dist(0.0f, 1.0f);
    std::vector<float> v(n);
    for (float &f : v) f = dist(rng);
    return v;
}

std::vector<unsigned char> encode(const std::vector<float> &v, int dtype) {
    std::vector<unsigned char> out(v.size() * sg::dtype_size(dtype));
    for (size_t i = 0; i < v.size(); ++i) {
        if (dtype == SG_DTYPE_F32) {
            std::memcpy(&out[i * 4], &v[i], 4);
        } else {
            uint16_t h;
            if (dtype == SG_DTYPE_BF16) {
                h = sg::f32_to_bf16(v[i]);
            } else {  // f16 by truncation is enough for a test input: both kernels read the same bits
                uint32_t bits;
                std::memcpy(&bits, &v[i], 4);
                const uint32_t sign = (bits >> 16) & 0x8000u;
                int exponent = static_cast<int>((bits >> 23) & 0xff) - 127 + 15;
                h = exponent <= 0 ? static_cast<uint16_t>(sign)
                                  : static_cast<uint16_t>(sign | (exponent >= 31 ? 0x7bff : (exponent << 10) | ((bits >> 13) & 0x3ff)));
            }
            std::memcpy(&out[i * 2], &h, 2);
        }
    }
    return out;
}

void test_matmul(const sg::CpuKernels &simd, std::mt19937 &rng) {
    const sg::CpuKernels &ref = sg::scalar_kernels();
    const int shapes[][3] = {{1, 64, 16}, {7, 37, 13}, {50, 128, 33}, {3, 8, 4}, {2, 200, 9}};
    for (int dtype : {SG_DTYPE_F32, SG_DTYPE_BF16, SG_DTYPE_F16}) {
        for (const auto &shape : shapes) {
            const int rows = shape[0], k = shape[1], n = shape[2];
            const std::vector<float> x = random_floats(rng, static_cast<size_t>(rows) * k);
            const std::vector<unsigned char> w = encode(random_floats(rng, static_cast<size_t>(n) * k), dtype);
            const std::vector<float> bias = random_floats(rng, n);
            std::vector<float> y_ref(static_cast<size_t>(rows) * n), y(static_cast<size_t>(rows) * n);
            ref.matmul(x.data(), rows, k, w.data(), dtype, bias.data(), y_ref.data(), n, 0, n, 0);
            simd.matmul(x.data(), rows, k, w.data(), dtype, bias.data(), y.data(), n, 0, n, 0);
            double worst = 0.0;
            bool finite = true;
            for (size_t i = 0; i < y.size(); ++i) {
                finite = finite && std::isfinite(y[i]);
                worst = std::max(worst, std::fabs(y[i] - y_ref[i]) / (1.0 + std::fabs(y_ref[i])));
            }
            const std::string name = std::string("matmul ") + sg::dtype_name(dtype) + " " + std::to_string(rows) + "x" +
                                     std::to_string(k) + "x" + std::to_string(n);
            check(finite && worst < 2e-5, name + " matches scalar (rel err " + std::to_string(worst) + ")");

            // Batch invariance: each row alone, and the outputs in two ranges, give identical bits.
            std::vector<float> alone(static_cast<size_t>(rows) * n);
            for (int t = 0; t < rows; ++t) {
                const int split = n / 2 + 1 > n ? n : n / 2 + 1;
                simd.matmul(x.data() + static_cast<size_t>(t) * k, 1, k, w.data(), dtype, bias.data(),
                            alone.data() + static_cast<size_t>(t) * n, n, 0, split, 0);
                simd.matmul(x.data() + static_cast<size_t>(t) * k, 1, k, w.data(), dtype, bias.data(),
                            alone.data() + static_cast<size_t>(t) * n, n, split, n, 0);
            }
            check(std::memcmp(alone.data(), y.data(), y.size() * 4) == 0, name + " is batch invariant");

            std::vector<float> acc = y;  // accumulate adds onto what is there
            simd.matmul(x.data(), rows, k, w.data(), dtype, nullptr, acc.data(), n, 0, n, 1);
            bool adds = true;
            for (size_t i = 0; i < acc.size(); ++i)
                adds = adds && std::fabs(acc[i] - (y[i] + (y[i] - bias[i % n]))) < 1e-3f * (1 + std::fabs(y[i]));
            check(adds, name + " accumulates");
        }
    }
}

void test_vector_kernels(const sg::CpuKernels &simd, std::mt19937 &rng) {
    const sg::CpuKernels &ref = sg::scalar_kernels();
    for (int dtype : {SG_DTYPE_F32, SG_DTYPE_BF16}) {
        for (int head_dim : {16, 21, 64}) {
            for (int heads : {1, 4}) {
                const int n = 13;  // a partly filled block tile
                const std::vector<float> q = random_floats(rng, static_cast<size_t>(heads) * head_dim);
                const std::vector<unsigned char> tile = encode(random_floats(rng, static_cast<size_t>(n) * head_dim), dtype);
                const std::string name = std::string(sg::dtype_name(dtype)) + " heads " + std::to_string(heads) +
                                         " head_dim " + std::to_string(head_dim);
                const int64_t stride = n + 3;
                std::vector<float> s_ref(static_cast<size_t>(heads) * stride, -1.0f), s_simd = s_ref;
                ref.attention_scores(q.data(), heads, tile.data(), dtype, n, head_dim, 0.25f, s_ref.data(), stride);
                simd.attention_scores(q.data(), heads, tile.data(), dtype, n, head_dim, 0.25f, s_simd.data(), stride);
                bool same = true;
                for (size_t i = 0; i < s_ref.size(); ++i)
                    same = same && std::fabs(s_ref[i] - s_simd[i]) <= 1e-5f * (1 + std::fabs(s_ref[i]));
                check(same, "attention scores " + name);

                const std::vector<float> out0 = random_floats(rng, static_cast<size_t>(heads) * head_dim);
                std::vector<float> o_ref = out0, o_simd = out0;
                ref.attention_values(s_ref.data(), heads, stride, tile.data(), dtype, n, head_dim, o_ref.data());
                simd.attention_values(s_ref.data(), heads, stride, tile.data(), dtype, n, head_dim, o_simd.data());
                same = true;
                for (size_t i = 0; i < o_ref.size(); ++i)
                    same = same && std::isfinite(o_simd[i]) && std::fabs(o_ref[i] - o_simd[i]) <= 1e-4f * (1 + std::fabs(o_ref[i]));
                check(same, "attention values " + name);
            }
        }
    }
    // Every f16 bit pattern converts the same in the scalar decoder and in F16C.
    std::vector<uint16_t> all(65536);
    for (int i = 0; i < 65536; ++i) all[i] = static_cast<uint16_t>(i);
    std::vector<float> a(65536), b(65536);
    ref.to_f32(all.data(), SG_DTYPE_F16, a.data(), 65536);
    simd.to_f32(all.data(), SG_DTYPE_F16, b.data(), 65536);
    int mismatches = 0;
    for (int i = 0; i < 65536; ++i)
        if (!(std::isnan(a[i]) && std::isnan(b[i])) && std::memcmp(&a[i], &b[i], 4) != 0) ++mismatches;
    check(mismatches == 0, "f16 decoding of all 65536 values (" + std::to_string(mismatches) + " differ)");
}

void test_bf16_rounding() {
    check(sg::f32_to_bf16(1.0f) == 0x3f80, "bf16(1.0)");
    check(sg::f32_to_bf16(1.00390625f) == 0x3f80, "bf16 ties to even (down)");
    check(sg::f32_to_bf16(1.01171875f) == 0x3f82, "bf16 ties to even (up)");
    check(sg::bf16_to_f32(0xc040) == -3.0f, "bf16 -3.0 decodes");
}

void test_missing_tensor_is_named() {
    sg_model_config c{};
    c.architecture = SG_ARCH_LLAMA;
    c.vocab_size = 8;
    c.hidden_size = 8;
    c.intermediate_size = 16;
    c.num_hidden_layers = 1;
    c.num_attention_heads = 2;
    c.num_key_value_heads = 1;
    c.max_position_embeddings = 32;
    c.tie_word_embeddings = 1;
    c.rms_norm_eps = 1e-5f;
    c.rope_type = SG_ROPE_DEFAULT;
    c.rope_theta = 10000.0f;
    std::vector<float> embed(64, 0.5f);
    sg_tensor_info t{};
    t.name = "model.embed_tokens.weight";
    t.data = embed.data();
    t.dtype = SG_DTYPE_F32;
    t.n_dims = 2;
    t.shape[0] = 8;
    t.shape[1] = 8;
    sg_engine_params p = sg_engine_default_params();
    sg_engine *engine = nullptr;
    int status = sg_engine_create(&c, &t, 1, &p, &engine);
    check(status == SG_ERR_MODEL && engine == nullptr &&
              std::string(sg_last_error()).find("model.layers.0.input_layernorm.weight") != std::string::npos,
          std::string("missing tensor is named: ") + sg_last_error());
    t.shape[1] = 4;
    status = sg_engine_create(&c, &t, 1, &p, &engine);
    check(status == SG_ERR_MODEL && std::string(sg_last_error()).find("expected shape [8, 8], got [8, 4]") != std::string::npos,
          std::string("mis-shaped tensor is named: ") + sg_last_error());
    c.architecture = 99;
    status = sg_engine_create(&c, &t, 1, &p, &engine);
    check(status == SG_ERR_UNSUPPORTED, std::string("unknown architecture: ") + sg_last_error());
}

}  // namespace

int main() {
    std::mt19937 rng(1234);
    const sg::CpuKernels *simd = sg::avx2_kernels();
    if (simd != nullptr) {
        test_matmul(*simd, rng);
        test_vector_kernels(*simd, rng);
    } else {
        std::printf("this processor lacks AVX2/FMA/F16C: SIMD kernels not checked\n");
    }
    test_matmul(sg::scalar_kernels(), rng);  // the scalar kernels against themselves: invariance and accumulate
    test_bf16_rounding();
    test_missing_tensor_is_named();
    std::printf("engine_native_test: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
