// SPDX-License-Identifier: MIT OR Apache-2.0
// AVX-512 IFMA kernels over arrays of 4x64-bit Montgomery values (eight products at once, see
// field/ifma_lanes.hpp): each block of eight elements is transposed and re-split on the way in
// and joined on the way out.
//
// Compiled for every x86-64 target with per-function target attributes and used only when the
// CPU has AVX-512F and IFMA (kernels::kHaveIfma), so the binary runs on any x86-64.
#include "field/kernels.hpp"

#if defined(__x86_64__)
#include "field/ifma_lanes.hpp"

namespace peregrine::kernels {

namespace {

bool detect_ifma() {
    if (kernel_disabled("PEREGRINE_NO_IFMA")) return false;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512ifma");
}

}  // namespace

using namespace ifma;

const bool kHaveIfma = detect_ifma();

PEREGRINE_IFMA void mont_mul4_n_ifma(u64 (*r)[4], const u64 (*a)[4], const u64 (*b)[4], std::size_t n,
                                     const u64 m[4], u64 inv) {
    const Modulus md = modulus(m, inv);
    for (std::size_t i = 0; i < n; i += 8) {
        const std::size_t count = n - i < 8 ? n - i : 8;
        __m512i x[4], y[4];
        load_block(a + i, count, x);
        load_block(b + i, count, y);
        join(mont(split(x), split_times16(y), md), x);
        store_block(r + i, count, x);
    }
}

PEREGRINE_IFMA void batch_prefix_ifma(const u64 (*xs)[4], std::size_t n, u64 (*scratch)[4], u64 (*acc_out)[4],
                                      const u64 one[4], const u64 m[4], u64 inv) {
    const Modulus md = modulus(m, inv);
    __m512i o[4];
    for (int j = 0; j < 4; ++j) o[j] = _mm512_set1_epi64((long long)one[j]);
    V5 acc = split(o);
    for (std::size_t i = 0; i < n; i += 8) {
        const std::size_t count = n - i < 8 ? n - i : 8;
        __m512i x[4], a[4];
        load_block(xs + i, count, x);
        join(acc, a);
        store_block(scratch + i, count, a);
        const V5 prod = mont(acc, split_times16(x), md);
        const __mmask8 nz = nonzero_lanes(x);
        for (int j = 0; j < 5; ++j) acc.l[j] = _mm512_mask_blend_epi64(nz, acc.l[j], prod.l[j]);
    }
    __m512i a[4];
    join(acc, a);
    store8(acc_out, a);
}

PEREGRINE_IFMA void batch_suffix_ifma(u64 (*xs)[4], std::size_t n, const u64 (*scratch)[4], const u64 (*lane_inv)[4],
                                      const u64 m[4], u64 inv) {
    if (n == 0) return;
    const Modulus md = modulus(m, inv);
    __m512i v[4];
    load8(lane_inv, v);
    V5 acc = split(v);
    for (std::size_t i = (n - 1) / 8 * 8 + 8; i >= 8;) {
        i -= 8;
        const std::size_t count = n - i < 8 ? n - i : 8;
        __m512i x[4], s[4], out[4];
        load_block(xs + i, count, x);
        load_block(scratch + i, count, s);
        const __mmask8 nz = nonzero_lanes(x);
        join(mont(acc, split_times16(s), md), out);
        const V5 next = mont(acc, split_times16(x), md);
        for (int j = 0; j < 5; ++j) acc.l[j] = _mm512_mask_blend_epi64(nz, acc.l[j], next.l[j]);
        for (int j = 0; j < 4; ++j) out[j] = _mm512_maskz_mov_epi64(nz, out[j]);  // zeros stay zero
        store_block(xs + i, count, out);
    }
}


}  // namespace peregrine::kernels

#endif
