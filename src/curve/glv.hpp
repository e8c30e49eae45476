// SPDX-License-Identifier: MIT OR Apache-2.0
// The GLV endomorphism of BN254's G1 and G2, and the scalar recodings that use it (the MSM's
// windows, the lockstep scalar multiplications of the setup tools).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "field/bn254.hpp"

namespace peregrine {

// k = (-1)^neg1 k1 + (-1)^neg2 k2 * glv_lambda() mod r, with k1, k2 < 2^127, for any k < r.
struct GlvSplit {
    Limbs k1, k2;
    bool neg1, neg2;
};
GlvSplit glv_split(const Limbs& k);
const Limbs& glv_lambda();
// The endomorphism phi(x, y) = (beta x, y) = glv_lambda() * (x, y) on the order-r subgroups:
// beta (canonical) is a cube root of unity in Fq, one for G1 and the other (its square) for G2
// (whose coordinates in Fq2 are scaled by it).
const Limbs& glv_beta_g1();
const Limbs& glv_beta_g2();

// phi's action on a G1 or G2 x coordinate.
inline Fq glv_endo_x(const Fq& x) {
    static const Fq beta = Fq::from_canonical(glv_beta_g1());
    return x * beta;
}
inline Fq2 glv_endo_x(const Fq2& x) {
    static const Fq beta = Fq::from_canonical(glv_beta_g2());
    return x.scale(beta);
}

// The four-dimensional split on G2 (with the twisted Frobenius psi beside phi):
// k = sum_j (-1)^neg[j] k[j] e_j mod r, e = (1, lambda, mu, lambda mu), k[j] < 2^66, for any k < r;
// mu = gls_mu() = p mod r is psi's eigenvalue on G2.
struct Gls4Split {
    Limbs k[4];
    bool neg[4];
};
Gls4Split gls4_split(const Limbs& k);
const Limbs& gls_mu();
// psi(x, y) = (conj(x) c[0], conj(y) c[1]) on the twist, c = gls_psi_consts(); psi = mu on G2.
const std::array<Fq2, 2>& gls_psi_consts();
inline void gls_psi(Fq2& x, Fq2& y) {
    const std::array<Fq2, 2>& c = gls_psi_consts();
    x = x.conjugate() * c[0];
    y = y.conjugate() * c[1];
}

// The images of n points (x, y) that the parts of a split scalar use: part c adds entries of image
// c: 0 the points themselves, 1 phi (beta x, y) and, on G2 (gls4_split), 2 psi and 3 phi psi.
template <class F>
struct EndoImages {
    std::vector<F> px, sx, sy, spx;  // beta x; psi (x, y); beta psi x
    const F* x[4] = {};
    const F* y[4] = {};
    EndoImages(const std::vector<F>& tx, const std::vector<F>& ty) : px(tx.size()) {
        for (std::size_t i = 0; i < tx.size(); ++i) px[i] = glv_endo_x(tx[i]);
        x[0] = tx.data();
        x[1] = px.data();
        y[0] = y[1] = ty.data();
        if constexpr (std::is_same_v<F, Fq2>) {
            sx = tx;
            sy = ty;
            spx.resize(tx.size());
            for (std::size_t i = 0; i < tx.size(); ++i) {
                gls_psi(sx[i], sy[i]);
                spx[i] = glv_endo_x(sx[i]);
            }
            x[2] = sx.data();
            x[3] = spx.data();
            y[2] = y[3] = sy.data();
        }
    }
    EndoImages(const EndoImages&) = delete;  // x and y point into the vectors
    EndoImages& operator=(const EndoImages&) = delete;
};

// Width-w NAF of k < 2^128, 2 <= w <= 8 (digits odd or zero, |d| < 2^(w-1), each non-zero digit
// followed by at least w - 1 zeros), least significant digit first; returns the digit count (at
// most 129).
std::size_t wnaf(const Limbs& k, unsigned w, std::int8_t* out);
// The same digits, only the non-zero ones, with their positions (increasing); returns their count
// (at most 129 / w + 1).
std::size_t wnaf_sparse(const Limbs& k, unsigned w, std::uint8_t* pos, std::int8_t* dig);
inline std::size_t wnaf5(const Limbs& k, std::int8_t* out) { return wnaf(k, 5, out); }

}  // namespace peregrine
