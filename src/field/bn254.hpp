// SPDX-License-Identifier: MIT OR Apache-2.0
// The BN254 (alt_bn128, "bn128" in snarkjs) base field Fq, scalar field Fr and Fq2 = Fq[u]/(u^2+1).
#pragma once
#include "field/fp.hpp"

namespace peregrine {

struct FqParams {
    static constexpr Limbs MOD = {0x3c208c16d87cfd47ull, 0x97816a916871ca8dull,
                                  0xb85045b68181585dull, 0x30644e72e131a029ull};
};
struct FrParams {
    static constexpr Limbs MOD = {0x43e1f593f0000001ull, 0x2833e84879b97091ull,
                                  0xb85045b68181585dull, 0x30644e72e131a029ull};
};

using Fq = Fp<FqParams>;
using Fr = Fp<FrParams>;

// Largest k with 2^k | r-1, and the generator of Fr* snarkjs uses to derive its roots of unity.
constexpr unsigned kFrTwoAdicity = 28;
constexpr u64 kFrRootGenerator = 5;

// Primitive 2^k-th root of unity in Fr, the same one snarkjs (ffjavascript) uses: 5^((r-1)/2^28),
// squared 28-k times. k <= 28.
Fr fr_root_of_unity(unsigned k);

struct Fq2 {
    Fq c0, c1;  // c0 + c1*u, u^2 = -1

    static Fq2 zero() { return {}; }
    static Fq2 one() { return {Fq::one(), Fq::zero()}; }
    bool is_zero() const { return c0.is_zero() && c1.is_zero(); }
    bool operator==(const Fq2& o) const { return c0 == o.c0 && c1 == o.c1; }
    bool operator!=(const Fq2& o) const { return !(*this == o); }
    friend Fq2 operator+(const Fq2& a, const Fq2& b) { return {a.c0 + b.c0, a.c1 + b.c1}; }
    friend Fq2 operator-(const Fq2& a, const Fq2& b) { return {a.c0 - b.c0, a.c1 - b.c1}; }
    // Karatsuba with lazy reduction: three 512-bit products and two Montgomery reductions
    // instead of three Montgomery products. With p < 2^254, a0 + a1 < 2p fits in 256 bits
    // unreduced, a0 b1 + a1 b0 < 2p^2 and a0 b0 - a1 b1 (+ p 2^256 when negative) < p 2^256 stay
    // in range. Kept out of line: inlined into the curve formulas it made the G2 MSM slower. The
    // kernel is chosen once per product, and both variants are inlined here.
    [[gnu::noinline]] friend Fq2 operator*(const Fq2& a, const Fq2& b) {
#if defined(__x86_64__)
        if (kernels::kHaveAdx) return mul_with<kernels::WideAdx>(a, b);
#endif
        return mul_with<kernels::WidePortable>(a, b);
    }
    template <class K>
    [[gnu::always_inline]] static Fq2 mul_with(const Fq2& a, const Fq2& b) {
        using kernels::u64;
        const u64* M = Fq::MOD.data();
        u64 t0[8], t1[8], t2[8], sa[4], sb[4];
        K::mul(t0, a.c0.v.data(), b.c0.v.data());
        K::mul(t1, a.c1.v.data(), b.c1.v.data());
        u64 c = 0;
        #pragma GCC unroll 8
        for (int i = 0; i < 4; ++i) sa[i] = kernels::addc(a.c0.v[i], a.c1.v[i], c);
        c = 0;
        #pragma GCC unroll 8
        for (int i = 0; i < 4; ++i) sb[i] = kernels::addc(b.c0.v[i], b.c1.v[i], c);
        K::mul(t2, sa, sb);
        // t2 <- t2 - t0 - t1 = a0 b1 + a1 b0 (exact, no borrow out)
        u64 br = 0;
        #pragma GCC unroll 8
        for (int i = 0; i < 8; ++i) t2[i] = kernels::subb(t2[i], t0[i], br);
        br = 0;
        #pragma GCC unroll 8
        for (int i = 0; i < 8; ++i) t2[i] = kernels::subb(t2[i], t1[i], br);
        // t0 <- t0 - t1, plus p 2^256 when negative
        br = 0;
        #pragma GCC unroll 8
        for (int i = 0; i < 8; ++i) t0[i] = kernels::subb(t0[i], t1[i], br);
        const u64 mask = 0 - br;
        c = 0;
        #pragma GCC unroll 8
        for (int i = 0; i < 4; ++i) t0[4 + i] = kernels::addc(t0[4 + i], M[i] & mask, c);
        Fq2 r;
        K::redc(r.c0.v.data(), t0, M, Fq::INV);
        K::redc(r.c1.v.data(), t2, M, Fq::INV);
        return r;
    }
    Fq2 operator-() const { return {-c0, -c1}; }
    Fq2& operator+=(const Fq2& b) { return *this = *this + b; }
    Fq2& operator-=(const Fq2& b) { return *this = *this - b; }
    Fq2& operator*=(const Fq2& b) { return *this = *this * b; }
    Fq2 dbl() const { return {c0.dbl(), c1.dbl()}; }
    // (c0+c1)(c0-c1) + 2 c0 c1 u, with the sums unreduced: (c0+c1)(c0+p-c1) < 4p^2 and
    // (2 c0) c1 < 2p^2 are below p 2^256, so each coefficient is one 512-bit product and one
    // Montgomery reduction.
    [[gnu::noinline]] Fq2 square() const {
#if defined(__x86_64__)
        if (kernels::kHaveAdx) return square_with<kernels::WideAdx>();
#endif
        return square_with<kernels::WidePortable>();
    }
    template <class K>
    [[gnu::always_inline]] Fq2 square_with() const {
        using kernels::u64;
        const u64* M = Fq::MOD.data();
        u64 s[4], d[4], dd[4], t0[8], t1[8];
        u64 c = 0, br = 0;
#pragma GCC unroll 4
        for (int i = 0; i < 4; ++i) s[i] = kernels::addc(c0.v[i], c1.v[i], c);
#pragma GCC unroll 4
        for (int i = 0; i < 4; ++i) dd[i] = kernels::subb(M[i], c1.v[i], br);  // p - c1 (c1 < p)
        c = 0;
#pragma GCC unroll 4
        for (int i = 0; i < 4; ++i) d[i] = kernels::addc(c0.v[i], dd[i], c);
        K::mul(t0, s, d);
        c = 0;
#pragma GCC unroll 4
        for (int i = 0; i < 4; ++i) s[i] = kernels::addc(c0.v[i], c0.v[i], c);
        K::mul(t1, s, c1.v.data());
        Fq2 r;
        K::redc(r.c0.v.data(), t0, M, Fq::INV);
        K::redc(r.c1.v.data(), t1, M, Fq::INV);
        return r;
    }
    Fq2 scale(const Fq& k) const { return {c0 * k, c1 * k}; }
    Fq2 conjugate() const { return {c0, -c1}; }
    Fq2 pow(const Limbs& e) const {
        Fq2 r = one();
        for (int i = int(bit_length(e)) - 1; i >= 0; --i) {
            r = r.square();
            if (bit(e, unsigned(i))) r *= *this;
        }
        return r;
    }
    Fq2 inverse() const {
        Fq n = (c0.square() + c1.square()).inverse();
        return {c0 * n, -(c1 * n)};
    }
    Fq2 inverse_vartime() const {  // see Fp::inverse_vartime
        Fq n = (c0.square() + c1.square()).inverse_vartime();
        return {c0 * n, -(c1 * n)};
    }
};

static_assert(sizeof(Fq2) == 2 * sizeof(Fq), "Fq2 arrays are read as arrays of Fq");

// Fq2 versions of the array operations in fp.hpp (found by overload resolution from generic code).
// With AVX-512 IFMA they run on Fq's eight-at-a-time products: r[i] = a[i] * b[i] (r may be a or
// b; a == b squares, as sqr_n), and batch inversion through the norms c0^2 + c1^2 (zeros stay zero;
// `scratch` holds n elements). Without IFMA they are the element-by-element loops.
void mul_n(Fq2* r, const Fq2* a, const Fq2* b, std::size_t n);
inline void sqr_n(Fq2* r, const Fq2* a, std::size_t n) { mul_n(r, a, a, n); }
void batch_inverse(Fq2* xs, std::size_t n, Fq2* scratch);

}  // namespace peregrine
