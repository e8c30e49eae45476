// SPDX-License-Identifier: MIT OR Apache-2.0
#include "curve/bn254.hpp"

namespace peregrine {

namespace {
Fq fq(const char* s) { return *Fq::from_decimal(s); }
}  // namespace

Fq2 G2Cfg::b() {
    static const Fq2 kB{fq("19485874751759354771024239261021720505790618469301721065564631296452457478373"),
                        fq("266929791119991161246907387137283842545076965332900288569378510910307636690")};
    return kB;
}

G1Affine g1_generator() { return {Fq::from_u64(1), Fq::from_u64(2)}; }

G2Affine g2_generator() {
    return {{fq("10857046999023057135944570762232829481370756359578518086990519993285655852781"),
             fq("11559732032986387107991004021392285783925812861821192530917403151452391805634")},
            {fq("8495653923123431417604973247489272438418190587263600148770280649306958101930"),
             fq("4082367875863433681332203403145435568316851327593401208105741076214120093531")}};
}

bool g2_in_subgroup(const G2Affine& p) {
    if (p.is_infinity()) return true;
    return G2::from_affine(p).mul(group_order()).is_infinity();
}

}  // namespace peregrine
