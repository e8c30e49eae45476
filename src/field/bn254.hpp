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
    friend Fq2 operator*(const Fq2& a, const Fq2& b) {
        Fq t0 = a.c0 * b.c0, t1 = a.c1 * b.c1;
        Fq t2 = (a.c0 + a.c1) * (b.c0 + b.c1);
        return {t0 - t1, t2 - t0 - t1};
    }
    Fq2 operator-() const { return {-c0, -c1}; }
    Fq2& operator+=(const Fq2& b) { return *this = *this + b; }
    Fq2& operator-=(const Fq2& b) { return *this = *this - b; }
    Fq2& operator*=(const Fq2& b) { return *this = *this * b; }
    Fq2 dbl() const { return {c0.dbl(), c1.dbl()}; }
    Fq2 square() const {
        // (c0+c1)(c0-c1) + 2 c0 c1 u
        Fq t = c0 * c1;
        return {(c0 + c1) * (c0 - c1), t.dbl()};
    }
    Fq2 scale(const Fq& k) const { return {c0 * k, c1 * k}; }
    Fq2 conjugate() const { return {c0, -c1}; }
    Fq2 inverse() const {
        Fq n = (c0.square() + c1.square()).inverse();
        return {c0 * n, -(c1 * n)};
    }
};

}  // namespace peregrine
