// SPDX-License-Identifier: MIT OR Apache-2.0
// Endomorphism decompositions for the scalar multiplications of `ptau prepare`:
// - G1: the GLV split k = ±k1 ± k2 lambda (lambda: the cube root of unity acting as (beta x, y)),
//   two halves of at most 127 bits;
// - G2: the four-dimensional GLS split k = v0 + v1 m + v2 m^2 + v3 m^3 mod r with m = p mod r,
//   the eigenvalue of the untwist-Frobenius-twist endomorphism psi on G2, every |v_i| < 2^64:
//   half the doublings of the two-dimensional split.
#pragma once
#include <cstdint>

#include "curve/bn254.hpp"

namespace peregrine::setup {

// k = sum_i (-1)^neg[i] mag[i] e_i mod r, e_i the eigenvalues of the D endomorphisms used.
template <int D>
struct EndoSplit {
    unsigned __int128 mag[D];
    bool neg[D];
};

// k < r. D = 2: e = (1, glv_lambda()); endomorphisms identity and g1_endo.
EndoSplit<2> g1_endo_split(const Limbs& k);
// k < r. D = 4: e = (1, m, m^2, m^3), m = p mod r; endomorphisms identity, psi, psi^2, psi^3.
EndoSplit<4> g2_endo_split(const Limbs& k);

// (beta x, y) = [glv_lambda()] P on G1 (infinity maps to itself).
G1Affine g1_endo(const G1Affine& a);
// psi(x, y) = (conj(x) xi^((p-1)/3), conj(y) xi^((p-1)/2)) = [p mod r] Q on G2.
G2Affine g2_psi(const G2Affine& a);

// psi's constants (xi^((p-1)/3), xi^((p-1)/2)).
const Fq2* g2_psi_constants();

// p mod r, as canonical limbs (for tests).
const Limbs& g2_psi_eigenvalue();

}  // namespace peregrine::setup
