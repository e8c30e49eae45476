// SPDX-License-Identifier: MIT OR Apache-2.0
// The BN254 optimal ate pairing e: G1 x G2 -> GT, with GT inside Fq12.
//
// Tower (the same as snarkjs/ffjavascript's bn128, so Fq12 values can be exchanged with it):
//   Fq2  = Fq[u]  / (u^2 + 1)          (field/bn254.hpp)
//   Fq6  = Fq2[v] / (v^3 - xi), xi = 9 + u
//   Fq12 = Fq6[w] / (w^2 - v)
// An Fq12 element c0 + c1 w with ci = ci.c0 + ci.c1 v + ci.c2 v^2 is, as a polynomial in w
// (w^6 = xi):  c0.c0 + c1.c0 w + c0.c1 w^2 + c1.c1 w^3 + c0.c2 w^4 + c1.c2 w^5.
//
// Normalisation of GT: final_exponentiation raises to (p^12 - 1)/r * k with
// k = 2x(6x^2 + 3x + 1) (x the BN parameter), which is what snarkjs computes (its hard part
// uses the Fuentes-Castaneda et al. addition chain). k is coprime to r, so this is still a
// non-degenerate bilinear pairing, and the values equal snarkjs's (e.g. vk_alphabeta_12).
#pragma once
#include <array>
#include <cstddef>
#include <utility>
#include <vector>

#include "curve/bn254.hpp"

namespace peregrine {

// Multiplication by xi = 9 + u.
inline Fq2 fq2_mul_by_xi(const Fq2& a) {
    const Fq n0 = a.c0.dbl().dbl().dbl() + a.c0;  // 9 a0
    const Fq n1 = a.c1.dbl().dbl().dbl() + a.c1;  // 9 a1
    return {n0 - a.c1, n1 + a.c0};
}

struct Fq6 {
    Fq2 c0, c1, c2;  // c0 + c1 v + c2 v^2, v^3 = xi

    static Fq6 zero() { return {}; }
    static Fq6 one() { return {Fq2::one(), Fq2::zero(), Fq2::zero()}; }
    bool is_zero() const { return c0.is_zero() && c1.is_zero() && c2.is_zero(); }
    bool operator==(const Fq6& o) const { return c0 == o.c0 && c1 == o.c1 && c2 == o.c2; }
    bool operator!=(const Fq6& o) const { return !(*this == o); }

    friend Fq6 operator+(const Fq6& a, const Fq6& b) { return {a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2}; }
    friend Fq6 operator-(const Fq6& a, const Fq6& b) { return {a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2}; }
    Fq6 operator-() const { return {-c0, -c1, -c2}; }
    Fq6& operator+=(const Fq6& b) { return *this = *this + b; }
    Fq6& operator-=(const Fq6& b) { return *this = *this - b; }
    Fq6 dbl() const { return {c0.dbl(), c1.dbl(), c2.dbl()}; }

    // Karatsuba, 6 Fq2 multiplications.
    friend Fq6 operator*(const Fq6& a, const Fq6& b) {
        const Fq2 v0 = a.c0 * b.c0, v1 = a.c1 * b.c1, v2 = a.c2 * b.c2;
        const Fq2 m12 = (a.c1 + a.c2) * (b.c1 + b.c2) - v1 - v2;
        const Fq2 m01 = (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1;
        const Fq2 m02 = (a.c0 + a.c2) * (b.c0 + b.c2) - v0 - v2;
        return {v0 + fq2_mul_by_xi(m12), m01 + fq2_mul_by_xi(v2), m02 + v1};
    }
    Fq6& operator*=(const Fq6& b) { return *this = *this * b; }

    // Chung-Hasan SQR2: 2 multiplications and 3 squarings in Fq2.
    Fq6 square() const {
        const Fq2 s0 = c0.square();
        const Fq2 s1 = (c0 * c1).dbl();
        const Fq2 s2 = (c0 - c1 + c2).square();
        const Fq2 s3 = (c1 * c2).dbl();
        const Fq2 s4 = c2.square();
        return {s0 + fq2_mul_by_xi(s3), s1 + fq2_mul_by_xi(s4), s1 + s2 + s3 - s0 - s4};
    }

    // this * v
    Fq6 mul_by_v() const { return {fq2_mul_by_xi(c2), c0, c1}; }
    // this * k for k in Fq2
    Fq6 scale(const Fq2& k) const { return {c0 * k, c1 * k, c2 * k}; }
    // this * (b0 + b1 v), 5 Fq2 multiplications.
    Fq6 mul_by_01(const Fq2& b0, const Fq2& b1) const {
        const Fq2 t0 = c0 * b0, t1 = c1 * b1;
        return {t0 + fq2_mul_by_xi(c2 * b1), (c0 + c1) * (b0 + b1) - t0 - t1, c2 * b0 + t1};
    }

    Fq6 inverse() const;  // 0 maps to 0
};

struct Fq12 {
    Fq6 c0, c1;  // c0 + c1 w, w^2 = v

    static Fq12 zero() { return {}; }
    static Fq12 one() { return {Fq6::one(), Fq6::zero()}; }
    bool is_zero() const { return c0.is_zero() && c1.is_zero(); }
    bool is_one() const { return *this == one(); }
    bool operator==(const Fq12& o) const { return c0 == o.c0 && c1 == o.c1; }
    bool operator!=(const Fq12& o) const { return !(*this == o); }

    friend Fq12 operator+(const Fq12& a, const Fq12& b) { return {a.c0 + b.c0, a.c1 + b.c1}; }
    friend Fq12 operator-(const Fq12& a, const Fq12& b) { return {a.c0 - b.c0, a.c1 - b.c1}; }
    Fq12 operator-() const { return {-c0, -c1}; }

    // Karatsuba, 3 Fq6 multiplications.
    friend Fq12 operator*(const Fq12& a, const Fq12& b) {
        const Fq6 t0 = a.c0 * b.c0, t1 = a.c1 * b.c1;
        return {t0 + t1.mul_by_v(), (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1};
    }
    Fq12& operator*=(const Fq12& b) { return *this = *this * b; }

    // Complex squaring, 2 Fq6 multiplications.
    Fq12 square() const {
        const Fq6 t = c0 * c1;
        const Fq6 s = (c0 + c1) * (c0 + c1.mul_by_v());
        return {s - t - t.mul_by_v(), t.dbl()};
    }

    // The p^6-power Frobenius; equals the inverse on the cyclotomic subgroup (and so on GT).
    Fq12 conjugate() const { return {c0, -c1}; }
    Fq12 inverse() const;  // 0 maps to 0
    // this^(p^k) for any k (reduced mod 12): conjugates the Fq2 coefficients when k is odd and
    // multiplies five of them by precomputed constants.
    Fq12 frobenius_map(unsigned k) const;
    // this^e, e a little-endian multi-limb integer (plain square-and-multiply).
    Fq12 pow(const u64* e, std::size_t n_limbs) const;
    Fq12 pow(const Limbs& e) const { return pow(e.data(), e.size()); }

    // Squaring valid only for elements of the cyclotomic subgroup (norm 1 to Fq6 after the easy part
    // of the final exponentiation): Granger-Scott, 9 Fq2 squarings.
    Fq12 cyclotomic_square() const;

    // this * (a + b w + c w^3), the shape of a line function evaluated at a G1 point; 13 Fq2 muls.
    Fq12 mul_by_line(const Fq2& a, const Fq2& b, const Fq2& c) const {
        const Fq6 t0 = c0.scale(a);
        const Fq6 t1 = c1.mul_by_01(b, c);
        const Fq6 s = (c0 + c1).mul_by_01(a + b, c);
        return {t0 + t1.mul_by_v(), s - t0 - t1};
    }

    // The 12 base-field coefficients in snarkjs's order (vk_alphabeta_12, flattened):
    // c0.c0.c0, c0.c0.c1, c0.c1.c0, c0.c1.c1, c0.c2.c0, c0.c2.c1, c1.c0.c0, ..., c1.c2.c1.
    // snarkjs prints them nested as [[[c0.c0.c0, c0.c0.c1], [c0.c1.*], [c0.c2.*]], [[c1.c0.*], ...]].
    std::array<Fq, 12> coefficients() const;
    static Fq12 from_coefficients(const std::array<Fq, 12>& c);
};

// f_{6x+2,Q}(P) times the two Frobenius-twisted lines (not yet exponentiated).
// An input at infinity ((0,0)) contributes 1. Inputs are assumed to be on their curves and, for
// meaningful results, in the order-r subgroups (callers verify; see g2_in_subgroup).
Fq12 miller_loop(const G1Affine& p, const G2Affine& q);
// Product of the Miller loops of all pairs, sharing the Fq12 squarings.
Fq12 multi_miller_loop(const std::vector<std::pair<G1Affine, G2Affine>>& pairs);
// f^((p^12 - 1)/r * k), see the note at the top.
Fq12 final_exponentiation(const Fq12& f);
Fq12 pairing(const G1Affine& p, const G2Affine& q);
// prod e(P_i, Q_i) == 1, with one multi-Miller loop and one final exponentiation.
bool pairing_product_is_one(const std::vector<std::pair<G1Affine, G2Affine>>& pairs);

}  // namespace peregrine
