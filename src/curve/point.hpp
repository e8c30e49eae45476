// SPDX-License-Identifier: MIT OR Apache-2.0
// Short Weierstrass curves y^2 = x^3 + b (a = 0) over a field F, in affine and Jacobian
// coordinates. Used for BN254 G1 (over Fq) and G2 (over Fq2, the sextic twist).
#pragma once
#include <vector>

#include "field/bigint.hpp"

namespace peregrine {

template <class F>
struct Affine {
    F x, y;  // (0, 0) encodes the point at infinity, as in snarkjs files; it is never on the curve.
    bool is_infinity() const { return x.is_zero() && y.is_zero(); }
    Affine neg() const { return is_infinity() ? *this : Affine{x, -y}; }
    bool operator==(const Affine& o) const { return x == o.x && y == o.y; }
};

template <class F, class Cfg>
struct Jacobian {
    using Field = F;
    using Aff = Affine<F>;
    F x, y, z;  // z == 0: infinity

    static Jacobian infinity() { return {F::one(), F::one(), F::zero()}; }
    static Jacobian from_affine(const Aff& a) {
        if (a.is_infinity()) return infinity();
        return {a.x, a.y, F::one()};
    }
    bool is_infinity() const { return z.is_zero(); }

    static bool on_curve(const Aff& a) {
        if (a.is_infinity()) return true;
        return a.y.square() == a.x.square() * a.x + Cfg::b();
    }

    Jacobian neg() const { return {x, -y, z}; }

    // dbl-2009-l
    Jacobian dbl() const {
        if (is_infinity()) return *this;
        F A = x.square(), B = y.square(), C = B.square();
        F D = ((x + B).square() - A - C).dbl();
        F E = A.dbl() + A;
        F Fv = E.square();
        F X3 = Fv - D.dbl();
        F C8 = C.dbl().dbl().dbl();
        F Y3 = E * (D - X3) - C8;
        F Z3 = (y * z).dbl();
        return {X3, Y3, Z3};
    }

    // madd-2007-bl: this + a, a affine.
    Jacobian add(const Aff& a) const {
        if (a.is_infinity()) return *this;
        if (is_infinity()) return from_affine(a);
        F Z1Z1 = z.square();
        F U2 = a.x * Z1Z1;
        F S2 = a.y * z * Z1Z1;
        F H = U2 - x;
        F r = (S2 - y).dbl();
        if (H.is_zero()) {
            if (r.is_zero()) return dbl();
            return infinity();
        }
        F HH = H.square();
        F I = HH.dbl().dbl();
        F J = H * I;
        F V = x * I;
        F X3 = r.square() - J - V.dbl();
        F Y3 = r * (V - X3) - (y * J).dbl();
        F Z3 = (z + H).square() - Z1Z1 - HH;
        return {X3, Y3, Z3};
    }

    // add-2007-bl
    Jacobian add(const Jacobian& o) const {
        if (o.is_infinity()) return *this;
        if (is_infinity()) return o;
        F Z1Z1 = z.square(), Z2Z2 = o.z.square();
        F U1 = x * Z2Z2, U2 = o.x * Z1Z1;
        F S1 = y * o.z * Z2Z2, S2 = o.y * z * Z1Z1;
        F H = U2 - U1;
        F r = (S2 - S1).dbl();
        if (H.is_zero()) {
            if (r.is_zero()) return dbl();
            return infinity();
        }
        F I = H.dbl().square();
        F J = H * I;
        F V = U1 * I;
        F X3 = r.square() - J - V.dbl();
        F Y3 = r * (V - X3) - (S1 * J).dbl();
        F Z3 = ((z + o.z).square() - Z1Z1 - Z2Z2) * H;
        return {X3, Y3, Z3};
    }

    Aff to_affine() const {
        if (is_infinity()) return Aff{F::zero(), F::zero()};
        F zi = z.inverse();
        F zi2 = zi.square();
        return Aff{x * zi2, y * zi2 * zi};
    }

    bool operator==(const Jacobian& o) const {
        if (is_infinity() || o.is_infinity()) return is_infinity() && o.is_infinity();
        F z1z1 = z.square(), z2z2 = o.z.square();
        return x * z2z2 == o.x * z1z1 && y * z2z2 * o.z == o.y * z1z1 * z;
    }

    // k * this for a canonical 256-bit scalar (not constant time; the prover's secrets r, s
    // are blinding factors whose leakage through timing is out of scope for a local prover).
    Jacobian mul(const Limbs& k) const {
        Jacobian acc = infinity();
        for (int i = (int)bit_length(k) - 1; i >= 0; --i) {
            acc = acc.dbl();
            if (bit(k, (unsigned)i)) acc = acc.add(*this);
        }
        return acc;
    }
};

// Converts many Jacobian points to affine with one inversion.
template <class J>
std::vector<typename J::Aff> batch_to_affine(const std::vector<J>& pts) {
    using F = typename J::Field;
    std::vector<F> zs(pts.size());
    for (std::size_t i = 0; i < pts.size(); ++i) zs[i] = pts[i].z;
    batch_inverse(zs.data(), zs.size());
    std::vector<typename J::Aff> out(pts.size());
    for (std::size_t i = 0; i < pts.size(); ++i) {
        if (pts[i].is_infinity()) {
            out[i] = {F::zero(), F::zero()};
        } else {
            F zi2 = zs[i].square();
            out[i] = {pts[i].x * zi2, pts[i].y * zi2 * zs[i]};
        }
    }
    return out;
}

}  // namespace peregrine
