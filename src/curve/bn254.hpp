// SPDX-License-Identifier: MIT OR Apache-2.0
// BN254 groups: G1 over Fq (b = 3) and G2 over Fq2 (the D-type twist, b = 3/(9+u)).
#pragma once
#include "curve/point.hpp"
#include "field/bn254.hpp"

namespace peregrine {

struct G1Cfg {
    static Fq b() { return Fq::from_u64(3); }
};
struct G2Cfg {
    static Fq2 b();
};

using G1 = Jacobian<Fq, G1Cfg>;
using G2 = Jacobian<Fq2, G2Cfg>;
using G1Affine = Affine<Fq>;
using G2Affine = Affine<Fq2>;

G1Affine g1_generator();
G2Affine g2_generator();

// The group order r as an integer.
inline const Limbs& group_order() { return FrParams::MOD; }

// True when p is in the order-r subgroup (p * r == infinity). G1 has cofactor 1, so only G2 needs it.
bool g2_in_subgroup(const G2Affine& p);

}  // namespace peregrine
