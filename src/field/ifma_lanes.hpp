// SPDX-License-Identifier: MIT OR Apache-2.0
// AVX-512 IFMA arithmetic on eight field elements at once, one per 64-bit lane, in radix 2^52 (five
// limbs per element): the building blocks of ifma.cpp's kernels and of code that keeps its values
// in this form across many operations (curve/batch_mul). Every function carries the target
// attribute PEREGRINE_IFMA: callers carry it too and run only when kernels::kHaveIfma. Code that
// keeps its values in this form across many operations (no conversion at each product, as mul_n
// must) stores them in LaneArray.
//
// Elements are the usual 4x64-bit Montgomery values x*2^256 mod m, re-split into 52-bit limbs.
// A product in radix 2^52 with Montgomery reduction by 2^260 gives a*b*2^-260; the 4x64-bit
// contract needs a*b*2^-256, so the second operand enters multiplied by 16 (a shift of its limbs,
// no arithmetic): mont260(a, 16b) = a*b*2^-256. With a < m and 16b < 16m (m < 2^254) the result
// is below m*(16m/2^260 + 1) < 2m, so one conditional subtraction leaves it below m.
#pragma once
#if defined(__x86_64__)
#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>

#define PEREGRINE_IFMA __attribute__((target("avx512f,avx512ifma")))

// GCC 12 reports its own _mm512_undefined_epi32() inside the shift intrinsics as uninitialised.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace peregrine::kernels::ifma {

using u64 = std::uint64_t;

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

// Two independent products a0 b0 and a1 b1 (second operands 16x, as mont), their instructions
// interleaved so that each one's dependent chains overlap the other's.
PEREGRINE_IFMA inline void mont2(V5& r0, V5& r1, const V5& a0, const V5& b0, const V5& a1, const V5& b1,
                                 const Modulus& md) {
    const __m512i zero = _mm512_setzero_si512(), m52 = _mm512_set1_epi64((long long)kMask52);
    const V5* a[2] = {&a0, &a1};
    const V5* b[2] = {&b0, &b1};
    __m512i t[2][10];
    for (auto& row : t)
        for (auto& x : row) x = zero;
    for (int i = 0; i < 5; ++i)
        for (int j = 0; j < 5; ++j)
            for (int u = 0; u < 2; ++u) {
                t[u][i + j] = _mm512_madd52lo_epu64(t[u][i + j], a[u]->l[i], b[u]->l[j]);
                t[u][i + j + 1] = _mm512_madd52hi_epu64(t[u][i + j + 1], a[u]->l[i], b[u]->l[j]);
            }
    for (int i = 0; i < 5; ++i) {
        __m512i k[2];
        for (int u = 0; u < 2; ++u) k[u] = _mm512_madd52lo_epu64(zero, t[u][i], md.inv);
        for (int j = 0; j < 5; ++j)
            for (int u = 0; u < 2; ++u) {
                t[u][i + j] = _mm512_madd52lo_epu64(t[u][i + j], k[u], md.p.l[j]);
                t[u][i + j + 1] = _mm512_madd52hi_epu64(t[u][i + j + 1], k[u], md.p.l[j]);
            }
        for (int u = 0; u < 2; ++u) t[u][i + 1] = _mm512_add_epi64(t[u][i + 1], _mm512_srli_epi64(t[u][i], 52));
    }
    V5* r[2] = {&r0, &r1};
    for (int u = 0; u < 2; ++u) {
        for (int i = 5; i < 9; ++i) {
            t[u][i + 1] = _mm512_add_epi64(t[u][i + 1], _mm512_srli_epi64(t[u][i], 52));
            t[u][i] = _mm512_and_si512(t[u][i], m52);
        }
        V5 sd;
        __m512i borrow = zero;
        for (int j = 0; j < 5; ++j) {
            const __m512i d = _mm512_sub_epi64(_mm512_sub_epi64(t[u][5 + j], md.p.l[j]), borrow);
            borrow = _mm512_srli_epi64(d, 63);
            sd.l[j] = _mm512_and_si512(d, m52);
        }
        const __mmask8 keep = _mm512_test_epi64_mask(borrow, borrow);
        for (int j = 0; j < 5; ++j) r[u]->l[j] = _mm512_mask_blend_epi64(keep, sd.l[j], t[u][5 + j]);
    }
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


// ---- Lane arrays: blocks of eight elements, limb-major (limb j of element 8k + e at
// [40k + 8j + e]), normalised limbs, values below m ----

PEREGRINE_IFMA inline V5 ld5(const u64* p) {
    V5 r;
    for (int j = 0; j < 5; ++j) r.l[j] = _mm512_loadu_si512(p + 8 * j);
    return r;
}
PEREGRINE_IFMA inline void st5(u64* p, const V5& v) {
    for (int j = 0; j < 5; ++j) _mm512_storeu_si512(p + 8 * j, v.l[j]);
}

// 16b for normalised b < 2^256 (the second operand of mont).
PEREGRINE_IFMA inline V5 times16(const V5& b) {
    const __m512i m = _mm512_set1_epi64((long long)kMask52);
    V5 r;
    r.l[0] = _mm512_and_si512(_mm512_slli_epi64(b.l[0], 4), m);
    for (int j = 1; j < 5; ++j)
        r.l[j] = _mm512_or_si512(_mm512_srli_epi64(b.l[j - 1], 48), _mm512_slli_epi64(b.l[j], 4));
    for (int j = 1; j < 4; ++j) r.l[j] = _mm512_and_si512(r.l[j], m);
    return r;
}

// Carries of signed limbs into the next limb; returns the top limb's sign as a lane mask.
PEREGRINE_IFMA inline __mmask8 carry_signed(V5& d) {
    const __m512i m = _mm512_set1_epi64((long long)kMask52);
    for (int j = 0; j < 4; ++j) {
        d.l[j + 1] = _mm512_add_epi64(d.l[j + 1], _mm512_srai_epi64(d.l[j], 52));
        d.l[j] = _mm512_and_si512(d.l[j], m);
    }
    return _mm512_cmplt_epi64_mask(d.l[4], _mm512_setzero_si512());
}

// a - b mod p for a, b < p.
PEREGRINE_IFMA inline V5 sub5(const V5& a, const V5& b, const V5& p) {
    V5 d;
    for (int j = 0; j < 5; ++j) d.l[j] = _mm512_sub_epi64(a.l[j], b.l[j]);
    const __mmask8 neg = carry_signed(d);
    for (int j = 0; j < 5; ++j) d.l[j] = _mm512_mask_add_epi64(d.l[j], neg, d.l[j], p.l[j]);
    carry_signed(d);
    return d;
}

// a + b mod p for a, b < p.
PEREGRINE_IFMA inline V5 add5(const V5& a, const V5& b, const V5& p) {
    V5 s, t;
    for (int j = 0; j < 5; ++j) s.l[j] = _mm512_add_epi64(a.l[j], b.l[j]);
    carry_signed(s);
    for (int j = 0; j < 5; ++j) t.l[j] = _mm512_sub_epi64(s.l[j], p.l[j]);
    const __mmask8 below = carry_signed(t);  // s < p: keep s
    for (int j = 0; j < 5; ++j) t.l[j] = _mm512_mask_blend_epi64(below, t.l[j], s.l[j]);
    return t;
}

PEREGRINE_IFMA inline __mmask8 zero5(const V5& x) {
    const __m512i o = _mm512_or_si512(_mm512_or_si512(x.l[0], x.l[1]), _mm512_or_si512(_mm512_or_si512(x.l[2], x.l[3]), x.l[4]));
    return _mm512_testn_epi64_mask(o, o);
}


// Storage for lane arrays: rows of n elements, each padded to whole blocks, 64-byte aligned,
// zero-filled.
class LaneArray {
public:
    static constexpr std::size_t kBlock = 40;  // u64 per block of eight elements
    explicit LaneArray(std::size_t n, std::size_t rows = 1)
        : nb_((n + 7) / 8), p_(static_cast<u64*>(::operator new(nb_ * rows * kBlock * sizeof(u64), std::align_val_t(64)))) {
        std::fill(p_.get(), p_.get() + nb_ * rows * kBlock, u64(0));
    }
    std::size_t blocks() const { return nb_; }
    u64* row(std::size_t r = 0) { return p_.get() + r * nb_ * kBlock; }
    const u64* row(std::size_t r = 0) const { return p_.get() + r * nb_ * kBlock; }

private:
    struct Free {
        void operator()(u64* p) const { ::operator delete(p, std::align_val_t(64)); }
    };
    std::size_t nb_;
    std::unique_ptr<u64, Free> p_;
};

}  // namespace peregrine::kernels::ifma

#pragma GCC diagnostic pop
#endif
