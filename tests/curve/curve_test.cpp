// SPDX-License-Identifier: MIT OR Apache-2.0
#include <gtest/gtest.h>

#include "curve/bn254.hpp"
#include "test_util.hpp"

using namespace peregrine;
using namespace peregrine::test;

namespace {

Limbs rnd(std::mt19937_64& rng) { return random_below(rng, FrParams::MOD); }

Limbs add_mod_r(const Limbs& a, const Limbs& b) {
    return from_mpz((to_mpz(a) + to_mpz(b)) % to_mpz(FrParams::MOD));
}
Limbs mul_mod_r(const Limbs& a, const Limbs& b) {
    return from_mpz((to_mpz(a) * to_mpz(b)) % to_mpz(FrParams::MOD));
}

TEST(G1, GeneratorAndKnownMultiple) {
    const G1Affine g = g1_generator();
    EXPECT_TRUE(G1::on_curve(g));
    // 2G, as in the Ethereum bn256 precompile test vectors.
    const G1Affine g2 = G1::from_affine(g).dbl().to_affine();
    EXPECT_EQ(g2.x.to_decimal(), "1368015179489954701390400359078579693043519447331113978918064868415326638035");
    EXPECT_EQ(g2.y.to_decimal(), "9918110051302171585080402603319702774565515993150576347155970296011118125764");
    EXPECT_TRUE(G1::from_affine(g).mul(group_order()).is_infinity());
    EXPECT_FALSE(G1::on_curve(G1Affine{Fq::from_u64(1), Fq::from_u64(3)}));
}

TEST(G2, GeneratorIsInSubgroup) {
    const G2Affine g = g2_generator();
    EXPECT_TRUE(G2::on_curve(g));
    EXPECT_TRUE(g2_in_subgroup(g));
    EXPECT_TRUE(g2_in_subgroup(G2::from_affine(g).mul(Limbs{12345, 0, 0, 0}).to_affine()));
}

TEST(G2, PointOutsideSubgroupIsDetected) {
    // The twist's group order is r times a large cofactor, so a point found by solving the
    // curve equation for x = k + u is almost surely outside the order-r subgroup.
    const mpz_class p = to_mpz(Fq::MOD);
    auto fq_sqrt = [&](const Fq& v, Fq& out) {  // p = 3 mod 4
        out = v.pow(from_mpz((p + 1) / 4));
        return out.square() == v;
    };
    for (u64 k = 1; k < 200; ++k) {
        const Fq2 x{Fq::from_u64(k), Fq::one()};
        const Fq2 rhs = x.square() * x + G2Cfg::b();
        // sqrt(a + bu) = y0 + (b / 2y0) u with y0^2 = (a +- |rhs|) / 2, |rhs| = sqrt(a^2 + b^2).
        Fq n, y0;
        if (!fq_sqrt(rhs.c0.square() + rhs.c1.square(), n)) continue;
        const Fq half = Fq::from_u64(2).inverse();
        if (!fq_sqrt((rhs.c0 + n) * half, y0) && !fq_sqrt((rhs.c0 - n) * half, y0)) continue;
        if (y0.is_zero()) continue;
        const Fq2 y{y0, rhs.c1 * y0.dbl().inverse()};
        if (y.square() != rhs) continue;
        const G2Affine q{x, y};
        ASSERT_TRUE(G2::on_curve(q));
        EXPECT_FALSE(g2_in_subgroup(q));
        return;
    }
    FAIL() << "no twist point found";
}

template <class J>
void check_group_laws(const typename J::Aff& gen) {
    std::mt19937_64 rng(11);
    const J g = J::from_affine(gen);
    for (int i = 0; i < 10; ++i) {
        Limbs a = rnd(rng), b = rnd(rng);
        const J A = g.mul(a), B = g.mul(b);
        // (a+b)G == aG + bG, with full and mixed additions.
        EXPECT_EQ(g.mul(add_mod_r(a, b)), A.add(B));
        EXPECT_EQ(A.add(B.to_affine()), A.add(B));
        // (ab)G == a(bG)
        EXPECT_EQ(g.mul(mul_mod_r(a, b)), B.mul(a));
        // doubling through addition, cancellation, identity
        EXPECT_EQ(A.add(A), A.dbl());
        EXPECT_EQ(A.add(A.to_affine()), A.dbl());
        EXPECT_TRUE(A.add(A.neg()).is_infinity());
        EXPECT_TRUE(A.add(A.neg().to_affine()).is_infinity());
        EXPECT_EQ(A.add(J::infinity()), A);
        EXPECT_EQ(J::infinity().add(A.to_affine()), A);
        EXPECT_TRUE(J::on_curve(A.to_affine()));
    }
    EXPECT_TRUE(J::infinity().to_affine().is_infinity());
    EXPECT_TRUE(J::from_affine(J::infinity().to_affine()).is_infinity());
}

TEST(G1, GroupLaws) { check_group_laws<G1>(g1_generator()); }
TEST(G2, GroupLaws) { check_group_laws<G2>(g2_generator()); }

TEST(Points, BatchToAffine) {
    std::mt19937_64 rng(2);
    std::vector<G1> pts;
    for (int i = 0; i < 20; ++i) pts.push_back(i % 7 == 3 ? G1::infinity() : G1::from_affine(g1_generator()).mul(rnd(rng)));
    auto aff = batch_to_affine(pts);
    for (size_t i = 0; i < pts.size(); ++i) EXPECT_EQ(aff[i], pts[i].to_affine());
}

}  // namespace
