// SPDX-License-Identifier: MIT OR Apache-2.0
#include "curve/affine_batch.hpp"

#include "field/kernels.hpp"

namespace peregrine {

namespace {

using u64 = std::uint64_t;
using u128 = unsigned __int128;
using L4 = std::array<u64, 4>;

// R^3 mod p (R = 2^256): turns the plain inverse of a Montgomery value into a Montgomery value.
constexpr Limbs kR3 = {0xb1cd6dafda1530dfull, 0x62f210e6a7283db6ull, 0xef7f0b0c0ada0afbull, 0x20fd6e902d592544ull};

inline bool is_even(const L4& a) { return (a[0] & 1) == 0; }
inline bool is_one(const L4& a) { return a[0] == 1 && (a[1] | a[2] | a[3]) == 0; }
inline void shr1(L4& a) {
    a[0] = (a[0] >> 1) | (a[1] << 63);
    a[1] = (a[1] >> 1) | (a[2] << 63);
    a[2] = (a[2] >> 1) | (a[3] << 63);
    a[3] >>= 1;
}
inline void add(L4& a, const L4& b) {
    u64 c = 0;
    for (int i = 0; i < 4; ++i) {
        const u128 s = u128(a[i]) + b[i] + c;
        a[i] = u64(s);
        c = u64(s >> 64);
    }
}
// a -= b; returns the borrow.
inline u64 sub(L4& a, const L4& b) {
    u64 br = 0;
    for (int i = 0; i < 4; ++i) {
        const u128 d = u128(a[i]) - b[i] - br;
        a[i] = u64(d);
        br = u64(d >> 64) & 1;
    }
    return br;
}
inline bool geq(const L4& a, const L4& b) {
    for (int i = 4; i-- > 0;)
        if (a[i] != b[i]) return a[i] > b[i];
    return true;
}
// x / 2 mod p, x < p (x + p < 2^255).
inline void half_mod(L4& x, const L4& p) {
    if (!is_even(x)) add(x, p);
    shr1(x);
}
// x - y mod p, x, y < p.
inline void sub_mod(L4& x, const L4& y, const L4& p) {
    if (sub(x, y)) add(x, p);
}

}  // namespace

// Binary extended Euclid on the Montgomery value u = aR: u^-1, then times R^3 / R. Not constant
// time (the inputs are public), about three times faster than Fermat's exponentiation.
Fq fq_inverse_fast(const Fq& a) {
    if (a.is_zero()) return a;
    const L4 p = FqParams::MOD;
    L4 u = a.v, v = p, x1 = {1, 0, 0, 0}, x2 = {0, 0, 0, 0};
    while (!is_one(u) && !is_one(v)) {
        while (is_even(u)) {
            shr1(u);
            half_mod(x1, p);
        }
        while (is_even(v)) {
            shr1(v);
            half_mod(x2, p);
        }
        if (geq(u, v)) {
            sub(u, v);
            sub_mod(x1, x2, p);
        } else {
            sub(v, u);
            sub_mod(x2, x1, p);
        }
    }
    static const Fq r3 = Fq::from_mont(kR3);
    return Fq::from_mont(is_one(u) ? x1 : x2) * r3;
}

void batch_inverse_fast(Fq* xs, std::size_t n, Fq* scratch) {
    if (n == 0) return;
#if defined(__x86_64__)
    if (detail::use_ifma<Fq>(n)) {
        auto* x = reinterpret_cast<u64(*)[4]>(xs);
        auto* s = reinterpret_cast<u64(*)[4]>(scratch);
        Fq acc[8], inv[8], pre[8];
        const Fq one = Fq::one();
        kernels::batch_prefix_ifma(x, n, s, reinterpret_cast<u64(*)[4]>(acc), one.v.data(), Fq::MOD.data(), Fq::INV);
        pre[0] = one;
        for (int c = 1; c < 8; ++c) pre[c] = pre[c - 1] * acc[c - 1];
        Fq t = fq_inverse_fast(pre[7] * acc[7]);
        for (int c = 8; c-- > 0;) {
            inv[c] = t * pre[c];
            t *= acc[c];
        }
        kernels::batch_suffix_ifma(x, n, s, reinterpret_cast<const u64(*)[4]>(inv), Fq::MOD.data(), Fq::INV);
        return;
    }
#endif
    Fq acc = Fq::one();
    for (std::size_t i = 0; i < n; ++i) {
        scratch[i] = acc;
        if (!xs[i].is_zero()) acc *= xs[i];
    }
    Fq t = fq_inverse_fast(acc);
    for (std::size_t i = n; i-- > 0;) {
        if (xs[i].is_zero()) continue;
        const Fq x = xs[i];
        xs[i] = t * scratch[i];
        t *= x;
    }
}

void batch_inverse_fast(Fq2* xs, std::size_t n, Fq2* scratch) {
    // 1/(c0 + c1 u) = (c0 - c1 u) / (c0^2 + c1^2).
    Fq* q = reinterpret_cast<Fq*>(scratch);  // 2n Fq: the squares, then n norms and n of scratch
    Fq* a = reinterpret_cast<Fq*>(xs);
    mul_n(q, a, a, 2 * n);
    for (std::size_t i = 0; i < n; ++i) q[i] = q[2 * i] + q[2 * i + 1];
    batch_inverse_fast(q, n, q + n);
    for (std::size_t i = n; i-- > 0;) q[2 * i] = q[2 * i + 1] = q[i];  // (1/norm, 1/norm) pairs
    mul_n(a, a, q, 2 * n);
    for (std::size_t i = 0; i < n; ++i) a[2 * i + 1] = -a[2 * i + 1];
}

}  // namespace peregrine
