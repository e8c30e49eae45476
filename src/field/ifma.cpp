// SPDX-License-Identifier: MIT OR Apache-2.0
// AVX-512 IFMA kernels: eight Montgomery products at once, one per 64-bit lane, in radix 2^52
// (five limbs per element). The callers' data stays in the usual 4x64-bit Montgomery form
// (x*2^256 mod m); each block of eight elements is transposed and re-split on the way in and
// joined on the way out.
//
// A product in radix 2^52 with Montgomery reduction by 2^260 gives a*b*2^-260; the 4x64-bit
// contract needs a*b*2^-256, so the second operand enters multiplied by 16 (a shift of its limbs,
// no arithmetic): mont260(a, 16b) = a*b*2^-256. With a < m and 16b < 16m (m < 2^254) the result
// is below m*(16m/2^260 + 1) < 2m, so one conditional subtraction leaves it below m.
//
// Compiled for every x86-64 target with per-function target attributes and used only when the
// CPU has AVX-512F and IFMA (kernels::kHaveIfma), so the binary runs on any x86-64.
#include "field/kernels.hpp"

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>

// GCC 12 reports its own _mm512_undefined_epi32() inside the shift intrinsics as uninitialised.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define PEREGRINE_IFMA __attribute__((target("avx512f,avx512ifma")))

namespace peregrine::kernels {

namespace {

bool detect_ifma() {
    if (kernel_disabled("PEREGRINE_NO_IFMA")) return false;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512ifma");
}

constexpr u64 kMask52 = (u64(1) << 52) - 1;

struct V5 {
    __m512i l[5];
};

// Eight consecutive 4-limb elements -> four vectors, vector j holding limb j of each element.
PEREGRINE_IFMA inline void load8(const u64 (*x)[4], __m512i v[4]) {
    const __m512i z0 = _mm512_loadu_si512(x[0]), z1 = _mm512_loadu_si512(x[2]);
    const __m512i z2 = _mm512_loadu_si512(x[4]), z3 = _mm512_loadu_si512(x[6]);
    const __m512i ia = _mm512_setr_epi64(0, 4, 8, 12, 1, 5, 9, 13), ib = _mm512_setr_epi64(2, 6, 10, 14, 3, 7, 11, 15);
    const __m512i a = _mm512_permutex2var_epi64(z0, ia, z1), b = _mm512_permutex2var_epi64(z0, ib, z1);
    const __m512i c = _mm512_permutex2var_epi64(z2, ia, z3), d = _mm512_permutex2var_epi64(z2, ib, z3);
    const __m512i lo = _mm512_setr_epi64(0, 1, 2, 3, 8, 9, 10, 11), hi = _mm512_setr_epi64(4, 5, 6, 7, 12, 13, 14, 15);
    v[0] = _mm512_permutex2var_epi64(a, lo, c);
    v[1] = _mm512_permutex2var_epi64(a, hi, c);
    v[2] = _mm512_permutex2var_epi64(b, lo, d);
    v[3] = _mm512_permutex2var_epi64(b, hi, d);
}

// The inverse of load8.
PEREGRINE_IFMA inline void store8(u64 (*x)[4], const __m512i v[4]) {
    const __m512i il = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11), ih = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
    const __m512i p = _mm512_permutex2var_epi64(v[0], il, v[1]), p2 = _mm512_permutex2var_epi64(v[0], ih, v[1]);
    const __m512i q = _mm512_permutex2var_epi64(v[2], il, v[3]), q2 = _mm512_permutex2var_epi64(v[2], ih, v[3]);
    const __m512i jl = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11), jh = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
    _mm512_storeu_si512(x[0], _mm512_permutex2var_epi64(p, jl, q));
    _mm512_storeu_si512(x[2], _mm512_permutex2var_epi64(p, jh, q));
    _mm512_storeu_si512(x[4], _mm512_permutex2var_epi64(p2, jl, q2));
    _mm512_storeu_si512(x[6], _mm512_permutex2var_epi64(p2, jh, q2));
}

// 4x64 -> 5x52 (x < 2^256).
PEREGRINE_IFMA inline V5 split(const __m512i x[4]) {
    const __m512i m = _mm512_set1_epi64((long long)kMask52);
    V5 r;
    r.l[0] = _mm512_and_si512(x[0], m);
    r.l[1] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(x[0], 52), _mm512_slli_epi64(x[1], 12)), m);
    r.l[2] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(x[1], 40), _mm512_slli_epi64(x[2], 24)), m);
    r.l[3] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(x[2], 28), _mm512_slli_epi64(x[3], 36)), m);
    r.l[4] = _mm512_srli_epi64(x[3], 16);
    return r;
}

// 4x64 -> 5x52 of 16x (x < 2^254, so 16x < 2^258 fits the five limbs).
PEREGRINE_IFMA inline V5 split_times16(const __m512i x[4]) {
    const __m512i m = _mm512_set1_epi64((long long)kMask52);
    V5 r;
    r.l[0] = _mm512_and_si512(_mm512_slli_epi64(x[0], 4), m);
    r.l[1] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(x[0], 48), _mm512_slli_epi64(x[1], 16)), m);
    r.l[2] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(x[1], 36), _mm512_slli_epi64(x[2], 28)), m);
    r.l[3] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(x[2], 24), _mm512_slli_epi64(x[3], 40)), m);
    r.l[4] = _mm512_srli_epi64(x[3], 12);
    return r;
}

// 5x52 (normalised, < 2^256) -> 4x64.
PEREGRINE_IFMA inline void join(const V5& a, __m512i x[4]) {
    x[0] = _mm512_or_si512(a.l[0], _mm512_slli_epi64(a.l[1], 52));
    x[1] = _mm512_or_si512(_mm512_srli_epi64(a.l[1], 12), _mm512_slli_epi64(a.l[2], 40));
    x[2] = _mm512_or_si512(_mm512_srli_epi64(a.l[2], 24), _mm512_slli_epi64(a.l[3], 28));
    x[3] = _mm512_or_si512(_mm512_srli_epi64(a.l[3], 36), _mm512_slli_epi64(a.l[4], 16));
}

struct Modulus {
    V5 p;
    __m512i inv;  // -p^-1 mod 2^52
};

PEREGRINE_IFMA inline Modulus modulus(const u64 m[4], u64 inv64) {
    __m512i x[4];
    for (int j = 0; j < 4; ++j) x[j] = _mm512_set1_epi64((long long)m[j]);
    return Modulus{split(x), _mm512_set1_epi64((long long)(inv64 & kMask52))};
}

// a*b*2^-260 mod p for normalised a < p and b < 16p; the result is normalised and < p.
PEREGRINE_IFMA inline V5 mont(const V5& a, const V5& b, const Modulus& md) {
    const __m512i zero = _mm512_setzero_si512(), m52 = _mm512_set1_epi64((long long)kMask52);
    __m512i t[10];
    for (auto& x : t) x = zero;
    // Column sums stay below 2^57: at most 20 terms below 2^52 each, plus carries.
    for (int i = 0; i < 5; ++i) {
        for (int j = 0; j < 5; ++j) {
            t[i + j] = _mm512_madd52lo_epu64(t[i + j], a.l[i], b.l[j]);
            t[i + j + 1] = _mm512_madd52hi_epu64(t[i + j + 1], a.l[i], b.l[j]);
        }
    }
    for (int i = 0; i < 5; ++i) {
        const __m512i k = _mm512_madd52lo_epu64(zero, t[i], md.inv);  // t[i] + k*p = 0 mod 2^52
        for (int j = 0; j < 5; ++j) {
            t[i + j] = _mm512_madd52lo_epu64(t[i + j], k, md.p.l[j]);
            t[i + j + 1] = _mm512_madd52hi_epu64(t[i + j + 1], k, md.p.l[j]);
        }
        t[i + 1] = _mm512_add_epi64(t[i + 1], _mm512_srli_epi64(t[i], 52));
    }
    for (int i = 5; i < 9; ++i) {
        t[i + 1] = _mm512_add_epi64(t[i + 1], _mm512_srli_epi64(t[i], 52));
        t[i] = _mm512_and_si512(t[i], m52);
    }
    // t < 2p: subtract p unless that borrows.
    V5 s;
    __m512i borrow = zero;
    for (int j = 0; j < 5; ++j) {
        const __m512i d = _mm512_sub_epi64(_mm512_sub_epi64(t[5 + j], md.p.l[j]), borrow);
        borrow = _mm512_srli_epi64(d, 63);
        s.l[j] = _mm512_and_si512(d, m52);
    }
    const __mmask8 keep = _mm512_test_epi64_mask(borrow, borrow);
    V5 r;
    for (int j = 0; j < 5; ++j) r.l[j] = _mm512_mask_blend_epi64(keep, s.l[j], t[5 + j]);
    return r;
}

PEREGRINE_IFMA inline __mmask8 nonzero_lanes(const __m512i x[4]) {
    const __m512i o = _mm512_or_si512(_mm512_or_si512(x[0], x[1]), _mm512_or_si512(x[2], x[3]));
    return _mm512_test_epi64_mask(o, o);
}

// Loads elements [i, i+8) of x, reading only the first `count` (the rest are zero).
PEREGRINE_IFMA inline void load_block(const u64 (*x)[4], std::size_t count, __m512i v[4]) {
    if (count >= 8) {
        load8(x, v);
        return;
    }
    u64 buf[8][4] = {};
    std::memcpy(buf, x, count * sizeof buf[0]);
    load8(buf, v);
}

PEREGRINE_IFMA inline void store_block(u64 (*x)[4], std::size_t count, const __m512i v[4]) {
    if (count >= 8) {
        store8(x, v);
        return;
    }
    u64 buf[8][4];
    store8(buf, v);
    std::memcpy(x, buf, count * sizeof buf[0]);
}

}  // namespace

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
