// SPDX-License-Identifier: MIT OR Apache-2.0
// The endomorphism splits and batched multiplications of `ptau prepare` against double-and-add.
#include <gtest/gtest.h>

#include <vector>

#include "curve/bn254.hpp"
#include "msm/msm.hpp"
#include "setup/ptau_prepare.hpp"
#include "curve/affine_batch.hpp"
#include "setup/ptau_prepare_endo.hpp"

using namespace peregrine;

namespace {

std::vector<Limbs> scalars() {
    const Limbs& r = FrParams::MOD;
    std::vector<Limbs> ks = {Limbs{0, 0, 0, 0}, Limbs{1, 0, 0, 0}, Limbs{2, 0, 0, 0}, Limbs{r[0] - 1, r[1], r[2], r[3]},
                             Limbs{r[0] - 2, r[1], r[2], r[3]}, Limbs{~0ull, ~0ull, 0, 0}, Limbs{0, 0, 1, 0},
                             setup::g2_psi_eigenvalue(), glv_lambda(), Limbs{0, 0, 0, 1ull << 61}};
    Fr x = Fr::from_u64(12345);
    for (int i = 0; i < 40; ++i) {
        x = x * x + Fr::from_u64(std::uint64_t(i) + 7);
        ks.push_back(x.to_canonical());
    }
    for (unsigned s = 1; s <= 12; ++s) ks.push_back(fr_root_of_unity(s).inverse().to_canonical());
    return ks;
}

Fr fr_of(const unsigned __int128 v) {
    return Fr::from_canonical(Limbs{std::uint64_t(v), std::uint64_t(v >> 64), 0, 0});
}

}  // namespace

TEST(PrepareEndo, PsiIsMultiplicationByItsEigenvalue) {
    const G2 g = G2::from_affine(g2_generator());
    for (std::uint64_t s : {1ull, 7ull, 123456789ull}) {
        const G2 q = g.mul(Limbs{s, 0, 0, 0});
        const G2Affine qa = q.to_affine();
        EXPECT_TRUE(G2::from_affine(setup::g2_psi(qa)) == q.mul(setup::g2_psi_eigenvalue()));
    }
    EXPECT_TRUE(setup::g2_psi(G2Affine{}).is_infinity());
    const G1 p = G1::from_affine(g1_generator()).mul(Limbs{99, 0, 0, 0});
    EXPECT_TRUE(G1::from_affine(setup::g1_endo(p.to_affine())) == p.mul(glv_lambda()));
}

TEST(PrepareEndo, G2SplitRecombinesAndIsShort) {
    const Fr m = Fr::from_canonical(setup::g2_psi_eigenvalue());
    for (const Limbs& k : scalars()) {
        const setup::EndoSplit<4> s = setup::g2_endo_split(k);
        Fr acc = Fr::zero(), e = Fr::one();
        for (int i = 0; i < 4; ++i) {
            EXPECT_LT(s.mag[i], (unsigned __int128)1 << 66);
            const Fr v = fr_of(s.mag[i]);
            acc = acc + (s.neg[i] ? -v : v) * e;
            e = e * m;
        }
        EXPECT_TRUE(acc == Fr::from_canonical(k));
    }
}

TEST(PrepareEndo, BatchMatchesDoubleAndAdd) {
    const std::vector<Limbs> ks = scalars();
    std::vector<G1> p1(ks.size()), w1(ks.size());
    std::vector<G2> p2(ks.size()), w2(ks.size());
    const G1 g1 = G1::from_affine(g1_generator());
    const G2 g2 = G2::from_affine(g2_generator());
    for (std::size_t i = 0; i < ks.size(); ++i) {
        const Limbs base{i * 1000003 + 5, 0, 0, 0};
        p1[i] = i == 3 ? G1::infinity() : g1.mul(base);
        p2[i] = i == 3 ? G2::infinity() : g2.mul(base);
        w1[i] = p1[i].mul(ks[i]);
        w2[i] = p2[i].mul(ks[i]);
    }
    setup::g1_mul_batch(p1.data(), ks.data(), ks.size());
    setup::g2_mul_batch(p2.data(), ks.data(), ks.size());
    for (std::size_t i = 0; i < ks.size(); ++i) {
        EXPECT_TRUE(p1[i] == w1[i]) << i;
        EXPECT_TRUE(p2[i] == w2[i]) << i;
    }
}
